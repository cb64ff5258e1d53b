"""The settings a fresh μblog process would have under a given environment, read in the test
process: ``load_settings`` imports a settings module afresh (``config.settings.production``...)
and hands back the settings Django would make of it, leaving ``os.environ``, ``sys.modules``
and the running Django as they were.
Importing Django in a new process costs about a second of CPU; this costs milliseconds.

The settings modules only read the environment (django-environ; base.py may add a .env file's
variables to it, test.py turns that off), so a module imported afresh under an environment is
what a process started with it would configure. ``manage`` starts that process for real, for the
few tests whose point is the wiring end to end (a management command refusing to start).
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from types import ModuleType
from unittest import mock

from django.conf import UserSettingsHolder, global_settings

import config
from tests.helpers import APP_DIR

PRODUCTION = "config.settings.production"
LOCAL = "config.settings.local"
SETTINGS_PACKAGE = "config.settings"
# A SECRET_KEY production accepts.
GOOD_KEY = "k3y-" + "".join(chr(ord("a") + (i * 7) % 26) for i in range(60))
# What the test process's own environment says for its services and itself, not for the
# process a test configures.
NOT_INHERITED = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def process_environment(**env: str | None) -> dict[str, str]:
    """The environment of a μblog process a test starts: the test process's own, without its
    services and secret (``NOT_INHERITED``) and without a .env file, then ``env`` (None unsets a
    variable; the test process itself runs with DJANGO_READ_DOT_ENV_FILE=false)."""
    environment: dict[str, str | None] = {
        key: value for key, value in os.environ.items() if key not in NOT_INHERITED
    }
    environment.update({"ENV_FILE": "", **env})
    return {key: value for key, value in environment.items() if value is not None}


def _settings_modules() -> dict[str, ModuleType]:
    return {
        name: module
        for name, module in sys.modules.items()
        if name == SETTINGS_PACKAGE or name.startswith(f"{SETTINGS_PACKAGE}.")
    }


def load_settings(module: str = PRODUCTION, **env: str | None) -> UserSettingsHolder:
    """The settings of ``module`` as Django makes them in a process started with
    ``process_environment(**env)``: the module imported afresh from its source (its errors,
    ImproperlyConfigured, are raised here), over Django's defaults. The environment, the
    imported settings modules and ``config.settings`` are put back afterwards: the running
    Django's settings are untouched."""
    originals = _settings_modules()
    with (
        mock.patch.dict(os.environ, process_environment(**env), clear=True),
        mock.patch.object(config, "settings", None, create=True),
    ):
        try:
            for name in originals:
                del sys.modules[name]
            loaded = importlib.import_module(module)
        finally:
            for name in _settings_modules():
                del sys.modules[name]
            sys.modules.update(originals)
    # What django.conf.Settings does with the module, without its side effects (time.tzset).
    settings = UserSettingsHolder(global_settings)
    for name in dir(loaded):
        if name.isupper():
            setattr(settings, name, getattr(loaded, name))
    return settings


def production_settings(**env: str | None) -> UserSettingsHolder:
    """The production settings under ``env``, with a SECRET_KEY they accept."""
    return load_settings(PRODUCTION, SECRET_KEY=GOOD_KEY, **env)


def manage(*args: str, **env: str | None) -> subprocess.CompletedProcess[str]:
    """``manage.py *args`` in a new process, under the production settings unless
    ``DJANGO_SETTINGS_MODULE`` says otherwise, with ``process_environment(**env)``."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=APP_DIR,
        env=process_environment(**{"DJANGO_SETTINGS_MODULE": PRODUCTION, **env}),
        capture_output=True,
        text=True,
        timeout=120,
    )
