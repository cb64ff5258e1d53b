"""The shared test helpers that parse: a wrong parser would let the tests that rely on it pass
for the wrong reason."""

import pytest

from tests.helpers import activation_link_in, activation_parts

EMAIL = """Hello,

Activate your account: https://ublog.example/accounts/activate/MTIz/cf8-0a1b2c/

(valid for three days)"""


def test_the_activation_link_is_found_in_an_email():
    assert activation_link_in(EMAIL) == "https://ublog.example/accounts/activate/MTIz/cf8-0a1b2c/"


def test_the_activation_parts_are_what_the_apis_take():
    assert activation_parts(EMAIL) == {"uid": "MTIz", "token": "cf8-0a1b2c"}


def test_a_text_without_an_activation_link_fails_the_test_that_reads_it():
    with pytest.raises(AssertionError, match="no activation link"):
        activation_parts("Welcome back!")
