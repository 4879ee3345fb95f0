"""Browser journeys: Debian's Chromium driven by pytest-playwright against pytest-django's live server.

Tests use the plugin's `page` fixture (never `sync_playwright()` directly), mark themselves
`@pytest.mark.e2e` and `@pytest.mark.django_db(transaction=True)` so the live server's thread sees
the rows the test creates, and call `axe_check(page)` (tests/e2e/pages.py) on every page they land on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

CHROMIUM = "/usr/bin/chromium"

# Playwright waits this long for an element or a navigation; a page of this app renders in milliseconds,
# so a long wait only ever means a broken journey.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    # Debian's Chromium, not a Playwright download (which cannot be fetched on these machines).
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    # pytest-playwright gives every browser context this base, so journeys say page.goto("/people/").
    return live_server.url


def keep_to(context: BrowserContext, base_url: str) -> BrowserContext:
    """Abort every request that leaves the live server: no network in tests, and no hang on web fonts."""
    context.route(lambda url: not url.startswith(base_url + "/"), lambda route: route.abort())
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def context(new_context: Callable[..., BrowserContext], live_server: LiveServer) -> BrowserContext:
    return keep_to(new_context(), live_server.url)


@pytest.fixture
def phone_page(new_context: Callable[..., BrowserContext], live_server: LiveServer) -> Iterator[Page]:
    """A page in a phone-sized window (375 × 812, an iPhone X-class screen)."""
    context = keep_to(
        new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True, device_scale_factor=2),
        live_server.url,
    )
    yield context.new_page()
