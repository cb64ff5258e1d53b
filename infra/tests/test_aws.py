"""The AWS stacks, asserted on the synthesised CloudFormation (aws_cdk.assertions).

Each test guards one rule of docs/deploy.md; removing the rule from infra/aws makes it fail.
`dev` has no domain (HTTP on the load balancer's name), `prod` gets one here (HTTPS).
"""

import json

import processes
import pytest
from aws_cdk.assertions import Match
from conftest import ENVIRONMENTS


def resources(template, kind):
    return {
        logical_id: resource
        for logical_id, resource in template.json["Resources"].items()
        if resource["Type"] == kind
    }


def only(mapping):
    assert len(mapping) == 1, sorted(mapping)
    return next(iter(mapping.items()))


def containers(template):
    """{process name: (task definition logical id, container definition)}."""
    found = {}
    for logical_id, task in resources(template, "AWS::ECS::TaskDefinition").items():
        for container in task["Properties"]["ContainerDefinitions"]:
            found[container["Name"]] = (logical_id, container)
    return found


def service_of(template, process):
    """The ECS service (logical id, resource) that runs `process`'s task definition."""
    task_id = containers(template)[process][0]
    return only(
        {
            logical_id: service
            for logical_id, service in resources(template, "AWS::ECS::Service").items()
            if service["Properties"]["TaskDefinition"] == {"Ref": task_id}
        }
    )


def config(configs, name):
    return configs[name]


# --- Network ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_vpc_has_public_private_and_isolated_subnets_and_the_context_nat_count(
    templates, configs, name
):
    subnets = resources(templates[name], "AWS::EC2::Subnet").values()
    kinds = sorted(
        tag["Value"]
        for subnet in subnets
        for tag in subnet["Properties"]["Tags"]
        if tag["Key"] == "aws-cdk:subnet-type"
    )
    azs = config(configs, name).max_azs

    assert kinds == ["Isolated"] * azs + ["Private"] * azs + ["Public"] * azs
    templates[name].resource_count_is("AWS::EC2::NatGateway", config(configs, name).nat_gateways)


# --- Image, cluster, web service -----------------------------------------------------------------
def test_the_image_is_the_repo_dockerfiles_production_target(cdk_out):
    manifest = json.loads((cdk_out / "Ublog-dev.assets.json").read_text())
    (image,) = manifest["dockerImages"].values()

    assert image["source"]["dockerFile"] == "Dockerfile"
    assert image["source"]["dockerBuildTarget"] == "production"


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_every_process_runs_the_one_image(templates, name):
    images = {
        json.dumps(container["Image"], sort_keys=True)
        for _, container in containers(templates[name]).values()
    }

    assert set(containers(templates[name])) == set(processes.PROCESSES)
    assert len(images) == 1
    assert "cdk-hnb659fds-container-assets" in next(iter(images))


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_web_runs_behind_the_load_balancer_with_healthz_checks(templates, name):
    template = templates[name]
    _, service = service_of(template, "web")
    target_group_id, target_group = only(
        resources(template, "AWS::ElasticLoadBalancingV2::TargetGroup")
    )

    assert service["Properties"]["LaunchType"] == "FARGATE"
    assert service["Properties"]["LoadBalancers"] == [
        {
            "ContainerName": "web",
            "ContainerPort": processes.WEB_PORT,
            "TargetGroupArn": {"Ref": target_group_id},
        }
    ]
    assert target_group["Properties"]["HealthCheckPath"] == processes.HEALTH_PATH
    assert target_group["Properties"]["Matcher"] == {"HttpCode": "200"}


def test_with_a_domain_https_uses_the_certificate_and_http_redirects(templates):
    template = templates["prod"]
    listeners = resources(template, "AWS::ElasticLoadBalancingV2::Listener").values()
    by_port = {listener["Properties"]["Port"]: listener["Properties"] for listener in listeners}
    certificate_id, certificate = only(resources(template, "AWS::CertificateManager::Certificate"))

    assert sorted(by_port) == [80, 443]
    assert by_port[443]["Protocol"] == "HTTPS"
    assert by_port[443]["Certificates"] == [{"CertificateArn": {"Ref": certificate_id}}]
    assert by_port[80]["DefaultActions"] == [
        {
            "RedirectConfig": {"Port": "443", "Protocol": "HTTPS", "StatusCode": "HTTP_301"},
            "Type": "redirect",
        }
    ]
    assert certificate["Properties"]["DomainName"] == "ublog.example.com"
    template.has_resource_properties(
        "AWS::Route53::RecordSet",
        {"Name": "ublog.example.com.", "Type": "A", "HostedZoneId": "Z0000000000EXAMPLE"},
    )


def test_without_a_domain_there_is_no_certificate_and_no_dns_record(templates):
    template = templates["dev"]

    template.resource_count_is("AWS::CertificateManager::Certificate", 0)
    template.resource_count_is("AWS::Route53::RecordSet", 0)
    template.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener", {"Port": 80, "Protocol": "HTTP"}
    )


def scaling_policies(template, service_id):
    target_ids = [
        logical_id
        for logical_id, target in resources(
            template, "AWS::ApplicationAutoScaling::ScalableTarget"
        ).items()
        if service_id in json.dumps(target["Properties"]["ResourceId"])
    ]
    policies = [
        policy["Properties"]["TargetTrackingScalingPolicyConfiguration"]
        for policy in resources(template, "AWS::ApplicationAutoScaling::ScalingPolicy").values()
        if policy["Properties"]["ScalingTargetId"] in [{"Ref": i} for i in target_ids]
    ]
    targets = [
        resources(template, "AWS::ApplicationAutoScaling::ScalableTarget")[i]["Properties"]
        for i in target_ids
    ]
    return targets, policies


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_web_scales_on_cpu_and_request_count_between_the_context_bounds(templates, configs, name):
    template, settings = templates[name], config(configs, name)
    service_id, _ = service_of(template, "web")
    targets, policies = scaling_policies(template, service_id)
    metrics = {
        policy["PredefinedMetricSpecification"]["PredefinedMetricType"]: policy["TargetValue"]
        for policy in policies
    }

    assert [(t["MinCapacity"], t["MaxCapacity"]) for t in targets] == [
        (settings.web_min_tasks, settings.web_max_tasks)
    ]
    assert metrics == {
        "ECSServiceAverageCPUUtilization": settings.web_cpu_target,
        "ALBRequestCountPerTarget": settings.web_requests_per_target,
    }


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_the_worker_scales_on_cpu(templates, configs, name):
    template, settings = templates[name], config(configs, name)
    service_id, _ = service_of(template, "worker")
    targets, policies = scaling_policies(template, service_id)

    assert [(t["MinCapacity"], t["MaxCapacity"]) for t in targets] == [
        (settings.worker_min_tasks, settings.worker_max_tasks)
    ]
    assert [p["PredefinedMetricSpecification"]["PredefinedMetricType"] for p in policies] == [
        "ECSServiceAverageCPUUtilization"
    ]


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_exactly_one_beat_task_runs_even_during_a_deployment(templates, name):
    template = templates[name]
    beats = [
        container
        for _, container in containers(template).values()
        if container["Command"] == list(processes.BEAT.command)
    ]
    service_id, service = service_of(template, "beat")
    targets, _ = scaling_policies(template, service_id)

    assert len(beats) == 1
    assert service["Properties"]["DesiredCount"] == 1
    assert service["Properties"]["DeploymentConfiguration"]["MaximumPercent"] == 100
    assert service["Properties"]["DeploymentConfiguration"]["MinimumHealthyPercent"] == 0
    assert targets == []


# --- Data stores --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_postgresql_15_encrypted_in_the_isolated_subnets_with_a_generated_password(
    templates, configs, name
):
    template = templates[name]
    _, database = only(resources(template, "AWS::RDS::DBInstance"))
    properties = database["Properties"]
    _, subnet_group = only(resources(template, "AWS::RDS::DBSubnetGroup"))
    isolated = {
        logical_id
        for logical_id, subnet in resources(template, "AWS::EC2::Subnet").items()
        if {"Key": "aws-cdk:subnet-type", "Value": "Isolated"} in subnet["Properties"]["Tags"]
    }

    assert properties["Engine"] == "postgres"
    assert properties["EngineVersion"].split(".")[0] == "15"
    assert properties["StorageEncrypted"] is True
    assert properties["MultiAZ"] is config(configs, name).db_multi_az
    assert {ref["Ref"] for ref in subnet_group["Properties"]["SubnetIds"]} == isolated
    assert "resolve:secretsmanager" in json.dumps(properties["MasterUserPassword"])
    template.has_resource_properties(
        "AWS::SecretsManager::Secret",
        {"GenerateSecretString": Match.object_like({"GenerateStringKey": "password"})},
    )


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_redis_is_encrypted_at_rest_and_in_transit(templates, name):
    templates[name].has_resource_properties(
        "AWS::ElastiCache::ReplicationGroup",
        {
            "Engine": "redis",
            "AtRestEncryptionEnabled": True,
            "TransitEncryptionEnabled": True,
        },
    )


def ingress_rules(template, group_id):
    """Every ingress rule of a security group, inline or as a separate resource."""
    group = resources(template, "AWS::EC2::SecurityGroup")[group_id]
    rules = list(group["Properties"].get("SecurityGroupIngress", []))
    rules += [
        rule["Properties"]
        for rule in resources(template, "AWS::EC2::SecurityGroupIngress").values()
        if rule["Properties"]["GroupId"] == {"Fn::GetAtt": [group_id, "GroupId"]}
    ]
    return rules


def group_of(template, kind, key):
    _, resource = only(resources(template, kind))
    value = resource["Properties"][key]
    (reference,) = value
    return reference["Fn::GetAtt"][0]


@pytest.mark.parametrize("name", ENVIRONMENTS)
@pytest.mark.parametrize(
    "kind, key, port",
    [
        ("AWS::RDS::DBInstance", "VPCSecurityGroups", 5432),
        ("AWS::ElastiCache::ReplicationGroup", "SecurityGroupIds", 6379),
    ],
    ids=["postgresql", "redis"],
)
def test_only_the_apps_tasks_reach_the_data_stores(templates, name, kind, key, port):
    template = templates[name]
    data_group = group_of(template, kind, key)
    _, web = service_of(template, "web")
    (app_group,) = web["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"][
        "SecurityGroups"
    ]
    rules = ingress_rules(template, data_group)

    assert [
        (rule.get("SourceSecurityGroupId"), rule["FromPort"], rule["ToPort"]) for rule in rules
    ] == [(app_group, port, port)]
    assert all("CidrIp" not in rule and "CidrIpv6" not in rule for rule in rules)
    # The same group runs every process, so the worker, beat and migrate reach them too.
    for process in ("worker", "beat"):
        _, service = service_of(template, process)
        assert service["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"][
            "SecurityGroups"
        ] == [app_group]


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_the_media_bucket_is_private_encrypted_versioned_and_tls_only(templates, name):
    template = templates[name]
    bucket_id, bucket = only(resources(template, "AWS::S3::Bucket"))
    properties = bucket["Properties"]
    _, policy = only(resources(template, "AWS::S3::BucketPolicy"))

    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    (insecure,) = [
        statement
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if statement.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
    ]
    assert (insecure["Effect"], insecure["Action"], insecure["Principal"]) == (
        "Deny",
        "s3:*",
        {"AWS": "*"},
    )
    assert policy["Properties"]["Bucket"] == {"Ref": bucket_id}


# --- Configuration and secrets -----------------------------------------------------------------
@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_secrets_are_injected_as_ecs_secrets_never_as_plain_environment(templates, name):
    template = templates[name]
    secret_ids = set(resources(template, "AWS::SecretsManager::Secret"))
    secret_ids |= set(resources(template, "AWS::SecretsManager::SecretTargetAttachment"))
    for process, (_, container) in containers(template).items():
        plain = {variable["Name"]: variable["Value"] for variable in container["Environment"]}
        injected = {secret["Name"]: secret["ValueFrom"] for secret in container["Secrets"]}

        assert set(injected) == set(processes.SECRETS), process
        assert not set(plain) & set(processes.SECRETS), process
        assert "password" not in json.dumps(plain).lower().replace("database_password", "")
        assert "secretsmanager" not in json.dumps(plain)
        for value in injected.values():
            assert {ref for ref in json.dumps(value).split('"') if ref in secret_ids}, value
        assert ":password::" in json.dumps(injected["DATABASE_PASSWORD"])


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_each_process_gets_its_commands_and_variables_from_the_one_list(templates, name):
    for process, (_, container) in containers(templates[name]).items():
        names = {variable["Name"] for variable in container["Environment"]}
        names |= {secret["Name"] for secret in container["Secrets"]}

        assert container["Command"] == list(processes.PROCESSES[process].command)
        assert names == processes.environment_names(processes.PROCESSES[process]), process


# --- Deployments --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_migrations_run_as_a_one_off_task_before_the_services_update(templates, name):
    template = templates[name]
    migrate_task_id, _ = containers(template)["migrate"]
    trigger_id, trigger = only(resources(template, "Custom::Trigger"))
    runner_version = trigger["Properties"]["HandlerArn"]["Ref"]
    runner_id = resources(template, "AWS::Lambda::Version")[runner_version]["Properties"][
        "FunctionName"
    ]["Ref"]
    runner = resources(template, "AWS::Lambda::Function")[runner_id]["Properties"]
    services = resources(template, "AWS::ECS::Service")

    assert runner["Environment"]["Variables"]["TASK_DEFINITION"] == {"Ref": migrate_task_id}
    assert runner["Environment"]["Variables"]["CONTAINER"] == "migrate"
    assert trigger["Properties"]["InvocationType"] == "RequestResponse"
    # Every service waits for the trigger: new tasks start only after migrate succeeded.
    assert len(services) == 3
    for logical_id, service in services.items():
        assert trigger_id in service.get("DependsOn", []), logical_id
    # No service runs the migrate task definition.
    assert {"Ref": migrate_task_id} not in [
        s["Properties"]["TaskDefinition"] for s in services.values()
    ]


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_ecs_exec_is_enabled_on_web_and_worker_and_logged(templates, name):
    template = templates[name]
    for process in ("web", "worker"):
        _, service = service_of(template, process)
        assert service["Properties"]["EnableExecuteCommand"] is True
    _, cluster = only(resources(template, "AWS::ECS::Cluster"))
    logging = cluster["Properties"]["Configuration"]["ExecuteCommandConfiguration"]

    assert logging["Logging"] == "OVERRIDE"
    assert "CloudWatchLogGroupName" in logging["LogConfiguration"]


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_every_log_group_has_the_context_retention(templates, configs, name):
    template = templates[name]
    groups = resources(template, "AWS::Logs::LogGroup")
    for process, (_, container) in containers(template).items():
        options = container["LogConfiguration"]["Options"]
        assert container["LogConfiguration"]["LogDriver"] == "awslogs"
        assert options["awslogs-group"]["Ref"] in groups, process

    assert groups
    for logical_id, group in groups.items():
        assert group["Properties"]["RetentionInDays"] == config(configs, name).log_retention_days


def test_environments_share_no_named_resource(templates):
    """Generated names only: two environments (or two accounts) never collide or share."""
    named = ["BucketName", "ClusterName", "DBInstanceIdentifier", "ServiceName", "Name"]
    for name, template in templates.items():
        for logical_id, resource in template.json["Resources"].items():
            if resource["Type"] in {
                "AWS::S3::Bucket",
                "AWS::ECS::Cluster",
                "AWS::RDS::DBInstance",
                "AWS::ECS::Service",
                "AWS::SecretsManager::Secret",
            }:
                assert not set(named) & set(resource["Properties"]), (name, logical_id)
