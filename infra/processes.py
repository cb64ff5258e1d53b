"""The one list of μblog's processes: what runs, with which command and which variables.

The AWS CDK app (infra/aws), the cdk8s app (infra/k8s) and the compose file all run the same
production image; infra/tests/test_processes.py checks that they agree with this module. The
commands run in the image's working directory (/app/app, where manage.py is).
"""

from dataclasses import dataclass

# Where gunicorn listens in the container (the image's PORT default).
WEB_PORT = 8000
HEALTH_PATH = "/healthz"
SETTINGS_MODULE = "config.settings.production"


@dataclass(frozen=True)
class Process:
    name: str
    command: tuple[str, ...]
    # True for a long-running service, False for a task that runs to completion (migrate).
    long_running: bool = True


# gunicorn reads PORT, GUNICORN_WORKERS and GUNICORN_THREADS through app/config/gunicorn.py.
WEB = Process("web", ("gunicorn", "--config", "python:config.gunicorn", "config.wsgi"))
WORKER = Process("worker", ("celery", "-A", "config", "worker", "-Q", "default", "-l", "INFO"))
BEAT = Process("beat", ("celery", "-A", "config", "beat", "-l", "INFO"))
MIGRATE = Process("migrate", ("python", "manage.py", "migrate", "--noinput"), long_running=False)
PROCESSES = {process.name: process for process in (WEB, WORKER, BEAT, MIGRATE)}

# The compose service that runs each process (docker-compose.yml).
COMPOSE_SERVICES = {
    "web": "backend",
    "worker": "celery_default",
    "beat": "beat",
    "migrate": "migrate",
}

# Plain variables every process gets on ECS and Kubernetes (values differ per platform).
ENVIRONMENT = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SITE_URL",
    "SERVE_MEDIA",
    "AWS_STORAGE_BUCKET_NAME",
)
# Variables that come from a secret store (Secrets Manager, a Kubernetes Secret), never from
# plain configuration: the database password (DATABASE_URL carries none), Django's key and the
# SMTP URL with its credentials.
SECRETS = ("DATABASE_PASSWORD", "SECRET_KEY", "EMAIL_URL")
# Only the web process reads these.
WEB_ENVIRONMENT = ("PORT", "GUNICORN_WORKERS", "GUNICORN_THREADS")
# The variables the compose file passes to every one of its four services as well: the
# orchestrators configure the same settings, only with other values.
COMPOSE_SHARED = ("DATABASE_URL", "REDIS_URL", "EMAIL_URL")


def environment_names(process: Process) -> set[str]:
    """The names of every variable `process` receives on ECS and Kubernetes."""
    extra = WEB_ENVIRONMENT if process.name == "web" else ()
    return set(ENVIRONMENT) | set(SECRETS) | set(extra)
