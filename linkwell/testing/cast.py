"""The named test cast: two schemes, each with two practices, two providers and a user per role.

An access test is then one line: `login_as(client, cast.north.provider)` and expect a 404 on a south record.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.test import Client

from linkwell.accounts.middleware import SESSION_KEY
from linkwell.accounts.models import Membership, Organisation, OrganisationKind, Role, Scheme

from .factories import MembershipFactory, OrganisationFactory, PersonFactory, SchemeFactory, UserFactory

ROLE_NAMES = ("referrer", "link_worker", "provider", "volunteer", "scheme_manager", "admin")


@dataclass
class SchemeCast:
    scheme: Scheme
    practice: Organisation
    other_practice: Organisation
    link_service: Organisation
    provider_org: Organisation
    other_provider_org: Organisation
    referrer: Membership
    other_referrer: Membership  # at the other practice of the same scheme
    link_worker: Membership
    provider: Membership
    volunteer: Membership
    scheme_manager: Membership
    admin: Membership

    def member(self, role: str) -> Membership:
        return getattr(self, role)  # type: ignore[no-any-return]


@dataclass
class Cast:
    north: SchemeCast
    south: SchemeCast


def _scheme_cast(slug: str) -> SchemeCast:
    scheme = SchemeFactory.create(slug=slug, name=f"{slug.title()} Social Prescribing")
    title = slug.title()
    practice = OrganisationFactory.create(
        scheme=scheme,
        name=f"{title} Medical Centre",
        kind=OrganisationKind.GP_PRACTICE,
        ods_code="Z9" + ("1" if slug == "north" else "2") + "001",
    )
    other_practice = OrganisationFactory.create(
        scheme=scheme,
        name=f"{title} Surgery",
        kind=OrganisationKind.GP_PRACTICE,
        ods_code="Z9" + ("1" if slug == "north" else "2") + "002",
    )
    link_service = OrganisationFactory.create(
        scheme=scheme, name=f"{title} Link Workers", kind=OrganisationKind.LINK_WORKER_SERVICE
    )
    provider_org = OrganisationFactory.create(scheme=scheme, name=f"{title} Walking Group")
    other_provider_org = OrganisationFactory.create(scheme=scheme, name=f"{title} Choir")

    def member(role: str, organisation: Organisation, label: str) -> Membership:
        user = UserFactory.create(
            email=f"{label}@{slug}.test", first_name=label.replace("_", " ").title(), last_name=title
        )
        return MembershipFactory.create(user=user, organisation=organisation, role=role)

    return SchemeCast(
        scheme=scheme,
        practice=practice,
        other_practice=other_practice,
        link_service=link_service,
        provider_org=provider_org,
        other_provider_org=other_provider_org,
        referrer=member(Role.REFERRER, practice, "referrer"),
        other_referrer=member(Role.REFERRER, other_practice, "other_referrer"),
        link_worker=member(Role.LINK_WORKER, link_service, "link_worker"),
        provider=member(Role.PROVIDER, provider_org, "provider"),
        volunteer=member(Role.VOLUNTEER, provider_org, "volunteer"),
        scheme_manager=member(Role.SCHEME_MANAGER, link_service, "scheme_manager"),
        admin=member(Role.ADMIN, link_service, "admin"),
    )


def build_cast() -> Cast:
    return Cast(north=_scheme_cast("north"), south=_scheme_cast("south"))


def login_as(client: Client, membership: Membership) -> Client:
    """Sign the client in as the membership's user, acting for that membership."""
    client.force_login(membership.user)
    session = client.session
    session[SESSION_KEY] = membership.pk
    session.save()
    return client


def person_at(cast: SchemeCast, **fields: object) -> object:
    """A person registered at the scheme's main practice."""
    return PersonFactory.create(scheme=cast.scheme, registered_practice=cast.practice, **fields)
