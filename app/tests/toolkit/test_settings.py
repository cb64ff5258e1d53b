"""Settings come from the environment: production refuses development secrets and passes
`check --deploy`; every variable the settings read is documented in .env.example."""

import os
import re
import subprocess
import sys

import pytest

from tests.helpers import REPO_DIR

GOOD_KEY = "k3y-" + "".join(chr(ord("a") + (i * 7) % 26) for i in range(60))


def manage(*args, **env):
    environment: dict[str, str | None] = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update({"ENV_FILE": "", "DJANGO_SETTINGS_MODULE": "config.settings.production"})
    environment.update(env)
    # None unsets a variable (the test process itself runs with DJANGO_READ_DOT_ENV_FILE=false).
    present = {key: value for key, value in environment.items() if value is not None}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_DIR / "app",
        env=present,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "secret_key",
    [None, "", "django-insecure-development-only-key", "short", "a" * 60],
    ids=["missing", "empty", "development", "short", "repetitive"],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret_key):
    env = {} if secret_key is None else {"SECRET_KEY": secret_key}

    result = manage("check", **env)

    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def settings_value(expression, **env):
    """``expression`` (over ``settings``) printed by a fresh process with ``env``; production
    settings unless ``DJANGO_SETTINGS_MODULE`` says otherwise."""
    code = f"from django.conf import settings; print({expression})"
    result = manage("shell", "--no-imports", "-c", code, SECRET_KEY=GOOD_KEY, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


SERVICES = (
    "settings.DATABASES['default']['ENGINE'], settings.CACHES['default']['BACKEND'],"
    " settings.CELERY_BROKER_URL, settings.CELERY_TASK_ALWAYS_EAGER, settings.EMAIL_BACKEND"
)


def test_production_passes_check_deploy_with_zero_warnings():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", SECRET_KEY=GOOD_KEY)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_embedded_defaults_need_no_environment():
    services = settings_value(SERVICES, DJANGO_SETTINGS_MODULE="config.settings.local")

    assert services.split() == [
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
        "memory://",
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_service_urls_switch_to_postgres_redis_and_smtp():
    services = settings_value(
        f"{SERVICES}, settings.EMAIL_HOST",
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL="postgres://u:p@db:5432/ublog",
        REDIS_URL="redis://cache:6379/0",
        EMAIL_URL="smtp://mail:1025",
    )

    assert services.split() == [
        "config.postgresql",
        "django_redis.cache.RedisCache",
        "redis://cache:6379/0",
        "False",
        "django.core.mail.backends.smtp.EmailBackend",
        "mail",
    ]


def setting_with_dotenv(tmp_path, expression, dotenv, **env):
    """``settings_value`` in a process whose .env file holds ``dotenv``."""
    env_file = tmp_path / ".env"
    env_file.write_text(dotenv)
    return settings_value(expression, ENV_FILE=str(env_file), **env)


@pytest.mark.parametrize("opt_in, read", [("true", True), (None, False), ("false", False)])
def test_a_dotenv_file_is_read_only_where_the_developer_opts_in(tmp_path, opt_in, read):
    site_url = setting_with_dotenv(
        tmp_path,
        "settings.SITE_URL",
        "SITE_URL=https://from-dotenv.example\n",
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DJANGO_READ_DOT_ENV_FILE=opt_in,
    )

    assert (site_url == "https://from-dotenv.example") is read


def test_the_test_settings_ignore_a_hostile_dotenv_even_when_it_is_opted_in(tmp_path, settings):
    # The .env of issue 14: every upload would be "too large", and six contract tests failed.
    hostile = "POST_IMAGE_MAX_BYTES=1\nTHROTTLE_SIGNUP=0/hour\n"
    read = {
        module: setting_with_dotenv(
            tmp_path,
            "settings.POST_IMAGE_MAX_BYTES,"
            " settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['signup']",
            hostile,
            DJANGO_SETTINGS_MODULE=module,
            DJANGO_READ_DOT_ENV_FILE="true",
        )
        for module in ("config.settings.local", "config.settings.test")
    }

    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert read["config.settings.local"] == "1 0/hour"  # the file would bite anywhere else
    assert read["config.settings.test"] == f"{settings.POST_IMAGE_MAX_BYTES} {rates['signup']}"


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
    assert settings_value("settings.SESSION_ENGINE", REDIS_URL=redis_url) == (
        f"django.contrib.sessions.backends.{engine}"
    )


@pytest.mark.parametrize("value, expected", [(None, "False"), ("true", "True")])
def test_connection_health_checks_are_opt_in(value, expected):
    env = {} if value is None else {"CONN_HEALTH_CHECKS": value}
    expression = "settings.DATABASES['default']['CONN_HEALTH_CHECKS']"

    assert settings_value(expression, **env) == expected
