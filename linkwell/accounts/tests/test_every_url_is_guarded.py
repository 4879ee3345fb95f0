"""Every URL in the project either requires sign-in or is on the short, reviewed list of public pages."""

from __future__ import annotations

import re
import uuid

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# Public by design: sign-in and password reset, the public directory and its ORUK API, self-referral,
# questionnaire links (a secret token in the URL), API docs, and static assets. Token-authenticated API
# endpoints answer 401 without a token, which the test accepts for /api/v1/.
PUBLIC_PREFIXES = (
    "accounts/sign-in/",
    "accounts/password-reset/",
    "directory/",
    "refer-yourself/",
    "q/",
    "api/oruk/",
    "api/docs",
    "api/openapi.json",
    "api/v1/docs",
    "api/v1/openapi.json",
    "assets/",
    "static/",
)

CONVERTER_SAMPLES = {
    "int": "1",
    "str": "sample",
    "slug": "sample",
    "uuid": str(uuid.UUID(int=1)),
    "path": "sample",
}


def _walk(resolver: URLResolver, prefix: str = "") -> list[str]:
    routes: list[str] = []
    for entry in resolver.url_patterns:
        pattern = str(entry.pattern)
        if isinstance(entry, URLResolver):
            routes.extend(_walk(entry, prefix + pattern))
        elif isinstance(entry, URLPattern):
            routes.append(prefix + pattern)
    return routes


def _sample_path(route: str) -> str | None:
    if route.startswith("^"):
        if "assets" in route:
            return None
        route = route.lstrip("^").rstrip("$")
        if re.search(r"[()\[\]\\?*+]", route):
            return None

    def fill(match: re.Match[str]) -> str:
        converter = match.group(1) or "str"
        return CONVERTER_SAMPLES.get(converter, "sample")

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", fill, route)


def test_every_non_public_url_sends_anonymous_visitors_to_sign_in(db: None) -> None:
    client = Client()
    unguarded: list[str] = []
    checked = 0
    for route in _walk(get_resolver()):
        path = _sample_path(route)
        if path is None or path.lstrip("/").startswith(PUBLIC_PREFIXES):
            continue
        checked += 1
        response = client.get(path)
        status = response.status_code
        if path.startswith("/api/"):
            if status not in (401, 404, 405):
                unguarded.append(f"{path} answered {status} without a token")
            continue
        redirected_to_sign_in = status == 302 and "/accounts/sign-in/" in response.get("Location", "")
        if not (redirected_to_sign_in or status == 405):
            unguarded.append(f"{path} answered {status} to an anonymous visitor")
    assert checked > 20
    assert not unguarded, "\n".join(unguarded)
