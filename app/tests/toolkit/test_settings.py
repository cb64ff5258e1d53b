"""Settings come from the environment: production refuses development secrets and passes
`check --deploy`; every variable the settings read is documented in .env.example.

The settings are read as a process started with a given environment would load them, in this
process (tests/settings_probe.py); two tests start manage.py for real, where the wiring is the
point: a bad SECRET_KEY stops a command, and the production settings pass `check --deploy`.
"""

import os
import re
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

import config
from tests.helpers import REPO_DIR
from tests.settings_probe import GOOD_KEY, LOCAL, load_settings, manage, production_settings


@pytest.mark.parametrize(
    "secret_key",
    # Each long enough but the short one, so that each condition is what refuses it.
    [None, "", "django-insecure-" + GOOD_KEY, "development-" + GOOD_KEY, "short", "a" * 60],
    ids=["missing", "empty", "django-insecure", "development", "short", "repetitive"],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret_key):
    with pytest.raises(ImproperlyConfigured, match="Set SECRET_KEY"):
        load_settings(SECRET_KEY=secret_key)


def test_a_missing_secret_key_stops_a_management_command():
    """End to end: the refusal above reaches manage.py, which exits with its message."""
    result = manage("check")

    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_passes_check_deploy_with_zero_warnings():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", SECRET_KEY=GOOD_KEY)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def services(settings):
    return [
        settings.DATABASES["default"]["ENGINE"],
        settings.CACHES["default"]["BACKEND"],
        settings.CELERY_BROKER_URL,
        settings.CELERY_TASK_ALWAYS_EAGER,
        settings.EMAIL_BACKEND,
    ]


def test_embedded_defaults_need_no_environment():
    assert services(load_settings(LOCAL)) == [
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
        "memory://",
        True,
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_service_urls_switch_to_postgres_redis_and_smtp():
    local = load_settings(
        LOCAL,
        DATABASE_URL="postgres://u:p@db:5432/ublog",
        REDIS_URL="redis://cache:6379/0",
        EMAIL_URL="smtp://mail:1025",
    )

    assert services(local) == [
        "config.postgresql",
        "django_redis.cache.RedisCache",
        "redis://cache:6379/0",
        False,
        "django.core.mail.backends.smtp.EmailBackend",
    ]
    assert local.EMAIL_HOST == "mail"


def settings_with_dotenv(tmp_path, module, dotenv, **env):
    """``module``'s settings in a process whose .env file holds ``dotenv``."""
    env_file = tmp_path / ".env"
    env_file.write_text(dotenv)
    return load_settings(module, ENV_FILE=str(env_file), **env)


@pytest.mark.parametrize("opt_in, read", [("true", True), (None, False), ("false", False)])
def test_a_dotenv_file_is_read_only_where_the_developer_opts_in(tmp_path, opt_in, read):
    local = settings_with_dotenv(
        tmp_path, LOCAL, "SITE_URL=https://from-dotenv.example\n", DJANGO_READ_DOT_ENV_FILE=opt_in
    )

    assert (local.SITE_URL == "https://from-dotenv.example") is read


def test_the_test_settings_ignore_a_hostile_dotenv_even_when_it_is_opted_in(tmp_path, settings):
    # The .env of issue 14: every upload would be "too large", and six contract tests failed.
    hostile = "POST_IMAGE_MAX_BYTES=1\nTHROTTLE_SIGNUP=0/hour\n"
    read = {
        module: settings_with_dotenv(tmp_path, module, hostile, DJANGO_READ_DOT_ENV_FILE="true")
        for module in (LOCAL, "config.settings.test")
    }

    def limits(settings):
        rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        return settings.POST_IMAGE_MAX_BYTES, rates["signup"]

    assert limits(read[LOCAL]) == (1, "0/hour")  # the file would bite anywhere else
    assert limits(read["config.settings.test"]) == limits(settings)


def test_every_variable_the_settings_read_is_documented_in_env_example():
    source = "\n".join(p.read_text() for p in (REPO_DIR / "app/config/settings").glob("*.py"))
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', source))
    documented = set(re.findall(r"^([A-Z_]+)=", (REPO_DIR / ".env.example").read_text(), re.M))

    assert read, "the pattern no longer finds env reads"
    assert read - documented == set()


@pytest.mark.parametrize(
    "redis_url, engine",
    [("redis://127.0.0.1:6379/0", "cached_db"), ("", "db")],
    ids=["redis", "embedded"],
)
def test_sessions_are_cached_in_front_of_the_database_when_redis_is_configured(redis_url, engine):
    assert production_settings(REDIS_URL=redis_url).SESSION_ENGINE == (
        f"django.contrib.sessions.backends.{engine}"
    )


@pytest.mark.parametrize("value, expected", [(None, False), ("true", True)])
def test_connection_health_checks_are_opt_in(value, expected):
    database = production_settings(CONN_HEALTH_CHECKS=value).DATABASES["default"]

    assert database["CONN_HEALTH_CHECKS"] is expected


def settings_modules():
    return {name: module for name, module in sys.modules.items() if name.startswith("config.")}


def test_reading_settings_leaves_the_test_process_as_it_was(tmp_path, settings):
    """The probe the tests above read settings with: what loading changes (the environment, with
    a .env file's variables; the settings modules) is put back, also when the settings refuse
    to load, and the running settings are the test settings still."""
    environ, modules, package = dict(os.environ), settings_modules(), vars(config)["settings"]

    local = settings_with_dotenv(
        tmp_path,
        LOCAL,
        "SITE_URL=https://probe.example\nPROBE_ONLY=1\n",
        DJANGO_READ_DOT_ENV_FILE="true",
        DATABASE_URL="postgres://u:p@probe:5432/probe",
    )
    with pytest.raises(ImproperlyConfigured):
        load_settings(SECRET_KEY="short")

    assert local.SITE_URL == "https://probe.example"  # it did load, under that environment
    assert local.DATABASES["default"]["HOST"] == "probe"
    assert dict(os.environ) == environ
    assert settings_modules() == modules
    assert vars(config)["settings"] is package
    assert settings.SITE_URL == "http://testserver"
    assert settings.DATABASES["default"]["HOST"] != "probe"
