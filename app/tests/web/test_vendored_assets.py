"""The front-end files under static/web/vendor/ are committed copies of npm packages (so running
μblog needs no Node). This keeps them honest: each is the version package-lock.json pins."""

import json
import re

import pytest

from tests.helpers import REPO_DIR

VENDOR = REPO_DIR / "app" / "interfaces" / "web" / "static" / "web" / "vendor"

# file -> (npm package, how the file's banner states its version)
VENDORED = {
    "bootstrap.min.css": ("bootstrap", r"Bootstrap\s+v(\S+)"),
    "bootstrap.bundle.min.js": ("bootstrap", r"Bootstrap\s+v(\S+)"),
    "vue.runtime.global.prod.js": ("vue", r"vue v(\S+)"),
    "axios.min.js": ("axios", r"Axios v(\S+)"),
}


def locked_version(package):
    lock = json.loads((REPO_DIR / "package-lock.json").read_text())
    return lock["packages"][f"node_modules/{package}"]["version"]


@pytest.mark.parametrize("name", sorted(VENDORED))
def test_vendored_file_is_the_version_package_lock_pins(name):
    package, banner = VENDORED[name]
    head = (VENDOR / name).read_text(encoding="utf-8")[:400]

    match = re.search(banner, head)

    assert match is not None and match.group(1) == locked_version(package)


@pytest.mark.parametrize("package", ["bootstrap", "vue", "axios"])
def test_package_json_pins_an_exact_version(package):
    wanted = json.loads((REPO_DIR / "package.json").read_text())["dependencies"][package]

    assert wanted == locked_version(package)


def test_vendored_files_point_to_no_missing_source_map():
    # collectstatic's manifest storage fails on a sourceMappingURL whose file is absent.
    for path in VENDOR.iterdir():
        assert "sourceMappingURL" not in path.read_text(encoding="utf-8"), path.name


def test_vendored_files_fit_under_the_large_file_hook():
    assert all(path.stat().st_size < 500 * 1024 for path in VENDOR.iterdir())


@pytest.mark.parametrize("name", sorted(VENDORED))
def test_the_app_serves_the_vendored_file(client, settings, name):
    # As on a developer's machine (DEBUG): whitenoise serves straight from the app's static/.
    settings.WHITENOISE_USE_FINDERS = True

    response = client.get(f"/static/web/vendor/{name}")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == (VENDOR / name).read_bytes()
