"""Fast, hermetic test settings. DATABASE_URL/REDIS_URL still switch to the real services."""

import os

# Before base.py reads anything: a developer's .env never changes what the tests see, even for
# one who opted in to it in their shell (the variable reaches the tests' subprocesses too).
os.environ["DJANGO_READ_DOT_ENV_FILE"] = "false"

from .base import *  # noqa: F401,F403,E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
SITE_URL = "http://testserver"
# Tests must not depend on collectstatic having run.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}  # noqa: F405,E501
WHITENOISE_AUTOREFRESH = True
# Each test process keeps its cache keys under a prefix of its own, unique among the processes
# alive on the machine, and clears only those (tests/isolation.py): pytest-xdist workers and
# concurrent runs sharing a Redis database never see or flush each other's throttle counters.
CACHES["default"]["KEY_PREFIX"] = f"test:{os.getpid()}"  # noqa: F405
