"""The reusable access matrix: every role × a URL → allowed, or refused with 403/404.

Later issues call `assert_access_matrix` for each view they add, with the roles that may use it; the
helper also checks that every role of the *other* scheme is refused the same URL.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.test import Client

from .cast import ROLE_NAMES, Cast, login_as

REFUSED = (403, 404)


def status_for(
    client: Client, membership: Any, url: str, method: str = "get", data: dict[str, Any] | None = None
) -> int:
    client.logout()
    login_as(client, membership)
    response = getattr(client, method)(url, data or {})
    return int(response.status_code)


def assert_access_matrix(
    client: Client,
    cast: Cast,
    url: str,
    *,
    allowed: Iterable[str],
    method: str = "get",
    data: dict[str, Any] | None = None,
    owner: str = "north",
    refused: tuple[int, ...] = REFUSED,
) -> None:
    """Roles in `allowed` (of the owning scheme) get a success or redirect; every other role, and every
    role of the other scheme, gets 403 or 404. `allowed` may name `other_referrer` as well as ROLE_NAMES."""
    allowed = set(allowed)
    owning = getattr(cast, owner)
    other = cast.south if owner == "north" else cast.north
    other_name = "south" if owner == "north" else "north"
    failures: list[str] = []
    for role in (*ROLE_NAMES, "other_referrer"):
        status = status_for(client, owning.member(role), url, method, data)
        if role in allowed and status >= 400:
            failures.append(f"{owner}.{role} should be allowed {method.upper()} {url}, got {status}")
        if role not in allowed and status not in refused:
            failures.append(f"{owner}.{role} should be refused {method.upper()} {url}, got {status}")
    for role in ROLE_NAMES:
        status = status_for(client, other.member(role), url, method, data)
        if status not in refused:
            failures.append(f"{other_name}.{role} (other scheme) should be refused {url}, got {status}")
    client.logout()
    assert not failures, "Access matrix failures:\n" + "\n".join(failures)


def assert_role_access(
    client: Client,
    cast: Cast,
    url: str,
    *,
    allowed: Iterable[str],
    method: str = "get",
    data: dict[str, Any] | None = None,
    refused: tuple[int, ...] = REFUSED,
) -> None:
    """For pages that belong to no one record (lists, forms): which roles of a scheme may open them."""
    allowed = set(allowed)
    failures: list[str] = []
    for role in (*ROLE_NAMES, "other_referrer"):
        status = status_for(client, cast.north.member(role), url, method, data)
        if role in allowed and status >= 400:
            failures.append(f"{role} should be allowed {method.upper()} {url}, got {status}")
        if role not in allowed and status not in refused:
            failures.append(f"{role} should be refused {method.upper()} {url}, got {status}")
    client.logout()
    assert not failures, "Role access failures:\n" + "\n".join(failures)
