"""Environments come from cdk.json; `-c <env>.<key>=<value>` overrides one setting."""

import pytest
from ublog_infra.config import EnvironmentConfig, cdk_json_context
from ublog_infra.stack import retention


def node(**extra):
    context = {**cdk_json_context(), **extra}
    return type("Node", (), {"try_get_context": staticmethod(context.get)})


def test_command_line_overrides_are_typed_like_the_setting():
    config = EnvironmentConfig.from_context(
        node(**{"dev.web_max_tasks": "7", "dev.db_multi_az": "true"}), "dev"
    )

    assert (config.web_max_tasks, config.db_multi_az) == (7, True)


def test_a_domain_without_its_hosted_zone_is_refused():
    with pytest.raises(ValueError, match="hosted_zone_id"):
        EnvironmentConfig.from_context(node(**{"dev.domain": "ublog.example.com"}), "dev")


def test_an_unknown_environment_is_refused():
    with pytest.raises(ValueError, match="no environment 'staging'"):
        EnvironmentConfig.from_context(node(), "staging")


def test_prod_is_sized_for_availability_and_dev_for_cost():
    dev = EnvironmentConfig.from_context(node(), "dev")
    prod = EnvironmentConfig.from_context(node(), "prod")

    assert prod.db_multi_az and prod.deletion_protection and prod.redis_nodes > 1
    assert prod.nat_gateways == prod.max_azs
    assert not dev.db_multi_az and dev.nat_gateways == 1


def test_log_retention_must_be_a_period_cloudwatch_offers():
    with pytest.raises(ValueError, match="log_retention_days"):
        retention(31)
