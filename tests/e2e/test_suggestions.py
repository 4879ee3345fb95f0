"""A link worker sees suggested services for a referral, with reasons, and proposes one in one click."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from linkwell.casework.services import assessment_record
from linkwell.connections.models import Connection
from linkwell.connections.tests.factories import assessed_referral, make_service
from linkwell.directory.models import Location, ServiceAtLocation
from linkwell.matching import service as matching
from linkwell.matching.tests.fakes import HashingEncoder
from linkwell.referrals.models import Referral
from linkwell.testing.cast import Cast
from linkwell.testing.factories import PersonFactory, PostcodeFactory

from .pages import axe_check, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_encoder(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(matching, "encoder_factory", HashingEncoder)
    matching.reset()
    yield
    matching.reset()


def given_a_referral_and_a_directory(cast: Cast) -> Referral:
    north = cast.north
    PostcodeFactory.create(postcode="LW1 1AB", latitude=53.2, longitude=-1.45)
    for name, description in (
        ("Community choir", "Sing together every week; all voices welcome"),
        ("Chess club", "Chess and draughts for all ages"),
    ):
        service = make_service(north, name=name, description=description)
        place = Location.objects.create(scheme=north.scheme, name=name, latitude=53.2, longitude=-1.45)
        ServiceAtLocation.objects.create(scheme=north.scheme, service=service, location=place)
    person = PersonFactory.create(scheme=north.scheme, registered_practice=north.practice, postcode="LW1 1AB")
    referral = assessed_referral(north, person=person, reason_text="Lost his wife last year, hardly goes out.")
    assessment_record(
        actor=north.link_worker, referral=referral, what_matters="He used to sing in a choir", needs=["loneliness"]
    )
    return referral


def test_a_link_worker_proposes_a_suggested_service(page: Page, cast: Cast) -> None:
    referral = given_a_referral_and_a_directory(cast)
    sign_in(page, cast.north.link_worker)
    page.goto(f"/connections/referrals/{referral.pk}/")
    panel = page.get_by_role("region", name="Suggested services")
    expect(panel).to_be_visible()
    first = panel.get_by_role("listitem").first
    expect(first.get_by_role("heading", level=3)).to_have_text("Community choir")
    expect(first).to_contain_text("Under 100 m away")
    axe_check(page)

    first.get_by_role("button", name="Propose Community choir").click()
    expect(page.get_by_text("Connection to Community choir proposed")).to_be_visible()
    axe_check(page)
    assert Connection.objects.get().service.name == "Community choir"
