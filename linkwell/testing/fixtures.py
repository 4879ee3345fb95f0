"""Shared fixtures: the named cast, fast password hashing, and the settings every test expects."""

from __future__ import annotations

import os

import pytest

from linkwell.testing.cast import Cast, build_cast

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM use there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_passwords(settings: pytest.FixtureRequest) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()
