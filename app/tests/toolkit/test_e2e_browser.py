"""The e2e tests find an installed Chromium or Chrome, or stop with one line saying what to set."""

import os
import subprocess
import sys

from tests.e2e.conftest import BROWSER_VARIABLE, find_browser
from tests.helpers import REPO_DIR


def test_the_variable_wins_over_the_usual_places(tmp_path):
    chrome = tmp_path / "chrome"
    chrome.write_text("")

    assert find_browser({BROWSER_VARIABLE: str(chrome)}, places=["/bin/sh"]) == (str(chrome), None)


def test_the_first_usual_place_that_exists_is_taken(tmp_path):
    chromium = tmp_path / "chromium"
    chromium.write_text("")

    assert find_browser({}, places=[str(tmp_path / "none"), str(chromium)]) == (
        str(chromium),
        None,
    )


def test_a_variable_naming_no_file_is_one_line_that_says_so(tmp_path):
    browser, problem = find_browser({BROWSER_VARIABLE: str(tmp_path / "gone")}, places=[])

    assert browser is None
    assert problem == (
        f"{BROWSER_VARIABLE}={tmp_path / 'gone'} is not a file:"
        " set it to a Chromium or Chrome executable"
    )


def test_no_browser_anywhere_names_the_places_and_the_variable(tmp_path):
    browser, problem = find_browser({}, places=[str(tmp_path / "a"), str(tmp_path / "b")])

    assert browser is None
    assert f"looked at {tmp_path / 'a'}, {tmp_path / 'b'}" in problem
    assert problem.endswith(f"set {BROWSER_VARIABLE} to its executable")


def test_the_e2e_run_stops_with_that_one_line_and_no_traceback(tmp_path):
    environment = {**os.environ, BROWSER_VARIABLE: str(tmp_path / "gone"), "ENV_FILE": ""}
    environment["DJANGO_SETTINGS_MODULE"] = "config.settings.test"

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "e2e", "app/tests/e2e", "-p", "playwright", "-q"],
        cwd=REPO_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )

    output = result.stdout + result.stderr
    assert result.returncode == 4, output
    assert f"ERROR: {BROWSER_VARIABLE}={tmp_path / 'gone'} is not a file" in output
    assert "Traceback" not in output
    assert len(output.strip().splitlines()) <= 3, output
