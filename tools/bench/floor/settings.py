"""The production settings, with the floor's URLs in front of μblog's (urls.py). The bench serves
every endpoint with these, so the floors and the product run in the same processes."""

from config.settings.production import *  # noqa: F401,F403

ROOT_URLCONF = "floor.urls"
