from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.outcomes import services
from linkwell.outcomes.models import MeasureResponse, Method, QuestionnaireLink, Timepoint
from linkwell.referrals.models import Status
from linkwell.referrals.tests.factories import make_referral
from linkwell.testing.cast import Cast, SchemeCast
from linkwell.testing.factories import PersonFactory

from .helpers import ONS4_ANSWERS, SWEMWBS_ALL_THREES, UCLA3_ANSWERS, form_data, record

ALL_ANSWERS = (
    form_data(SWEMWBS_ALL_THREES, "swemwbs") | form_data(UCLA3_ANSWERS, "ucla3") | form_data(ONS4_ANSWERS, "ons4")
)


def _link(scheme_cast: SchemeCast, timepoint: str = Timepoint.BASELINE) -> tuple[QuestionnaireLink, str]:
    person = PersonFactory.create(
        scheme=scheme_cast.scheme, given_name="Maureen", family_name="Oddsurname", preferred_name=""
    )
    referral = make_referral(scheme_cast, status=Status.ASSESSED, person=person)
    link, token = services.questionnaire_link_create(
        actor=scheme_cast.link_worker, referral=referral, timepoint=timepoint
    )
    return link, reverse("questionnaire:complete", args=[token])


def test_the_link_opens_without_an_account_and_shows_only_the_first_name(client: Client, cast: Cast) -> None:
    link, url = _link(cast.north)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hello Maureen" in page
    assert "Oddsurname" not in page
    assert link.person.nhs_number == "" or link.person.nhs_number not in page
    # SWEMWBS wording is licensed and not loaded: the items show as numbers with the 1-5 scale.
    assert "Item 1" in page and "Item 7" in page
    assert "Overall, how satisfied are you with your life nowadays?" in page
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"


def test_only_a_hash_of_the_token_is_stored(cast: Cast) -> None:
    link, url = _link(cast.north)
    token = url.rstrip("/").rsplit("/", 1)[-1]
    assert len(token) >= 40
    assert token not in link.token_hash
    assert link.token_hash == services.hash_token(token)


def test_completing_the_questionnaire_records_every_measure_once(client: Client, cast: Cast) -> None:
    link, url = _link(cast.north)
    response = client.post(url, ALL_ANSWERS)
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    responses = MeasureResponse.objects.filter(referral=link.referral).order_by("measure")
    assert [r.measure for r in responses] == ["ons4", "swemwbs", "ucla3"]
    assert all(r.method == Method.SELF_LINK and r.recorded_by is None and r.link == link for r in responses)
    assert responses.get(measure="swemwbs").scores["swemwbs"] == 19.25
    link.refresh_from_db()
    assert link.used_at is not None


def test_a_used_link_cannot_be_reused_and_writes_nothing(client: Client, cast: Cast) -> None:
    _, url = _link(cast.north)
    client.post(url, ALL_ANSWERS)
    before = list(MeasureResponse.objects.values_list("id", "scores"))
    again = client.post(url, form_data({str(n): 5 for n in range(1, 8)}, "swemwbs") | ALL_ANSWERS)
    assert again.status_code == 410
    assert "This link has already been used" in again.content.decode()
    assert list(MeasureResponse.objects.values_list("id", "scores")) == before
    assert client.get(url).status_code == 410


def test_an_expired_link_answers_gone_and_writes_nothing(client: Client, cast: Cast) -> None:
    link, url = _link(cast.north)
    with time_machine.travel(timezone.now() + dt.timedelta(days=14, seconds=1)):
        assert client.get(url).status_code == 410
        response = client.post(url, ALL_ANSWERS)
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert not MeasureResponse.objects.exists()
    link.refresh_from_db()
    assert link.used_at is None


def test_the_link_still_works_just_before_it_expires(client: Client, cast: Cast) -> None:
    _, url = _link(cast.north)
    with time_machine.travel(timezone.now() + dt.timedelta(days=13, hours=23)):
        assert client.get(url).status_code == 200


def test_an_unknown_token_is_not_found(client: Client, cast: Cast) -> None:
    _link(cast.north)
    assert client.get(reverse("questionnaire:complete", args=["x" * 43])).status_code == 404
    assert client.get(reverse("questionnaire:complete", args=["short"])).status_code == 404


def test_unanswered_questions_are_named_and_nothing_is_saved(client: Client, cast: Cast) -> None:
    link, url = _link(cast.north)
    data = dict(ALL_ANSWERS)
    del data["swemwbs-item_3"]
    data["ons4-item_2"] = "11"
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Question 3 has not been answered." in page
    assert "The answer to question 2 must be a whole number from 0 to 10." in page
    assert not MeasureResponse.objects.exists()
    link.refresh_from_db()
    assert link.used_at is None


def test_a_link_asks_only_for_measures_not_yet_recorded(cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ASSESSED)
    record(cast.north, referral, "swemwbs", Timepoint.BASELINE, SWEMWBS_ALL_THREES)
    link, _ = services.questionnaire_link_create(
        actor=cast.north.link_worker, referral=referral, timepoint=Timepoint.BASELINE
    )
    assert link.measures == ["ucla3", "ons4"]


def test_loaded_wording_replaces_the_item_numbers(client: Client, cast: Cast) -> None:
    services.measure_text_load(code="swemwbs", items={str(n): f"Test item {n}" for n in range(1, 8)})
    _, url = _link(cast.north)
    page = client.get(url).content.decode()
    assert "Test item 1" in page and "Test item 7" in page
    assert "Item 1<" not in page
