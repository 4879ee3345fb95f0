"""Typed builders for directory tests (factory_boy's factories are untyped to mypy)."""

from __future__ import annotations

from typing import Any, cast

from linkwell.accounts.models import Membership, Organisation, Role, Scheme
from linkwell.testing.factories import MembershipFactory


def new_scheme(slug: str, **fields: Any) -> Scheme:
    scheme, _ = Scheme.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ").title(), **fields})
    return scheme


def new_member(organisation: Organisation, role: Role = Role.PROVIDER) -> Membership:
    return cast(Membership, MembershipFactory(organisation=organisation, role=role))
