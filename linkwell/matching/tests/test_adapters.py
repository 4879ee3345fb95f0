"""Directory rows → ServiceDoc, referrals → Query, and the per-scheme index kept in step with the directory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.utils import timezone

from linkwell.casework.services import assessment_record
from linkwell.connections.tests.factories import assessed_referral, make_service
from linkwell.directory.models import (
    Accessibility,
    Attribute,
    CostOption,
    Frequency,
    Location,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
    TermKind,
)
from linkwell.matching import service as matching
from linkwell.matching.adapters import query_for_referral, service_docs
from linkwell.matching.tests.fakes import HashingEncoder
from linkwell.people.models import Sex
from linkwell.testing.cast import Cast, SchemeCast
from linkwell.testing.factories import PersonFactory, PostcodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_encoder(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(matching, "encoder_factory", HashingEncoder)
    matching.reset()
    yield
    matching.reset()


def _place(cast: SchemeCast, service: Service, lat: float, lng: float, name: str = "Hall") -> Location:
    location = Location.objects.create(scheme=cast.scheme, name=name, latitude=lat, longitude=lng)
    ServiceAtLocation.objects.create(scheme=cast.scheme, service=service, location=location)
    return location


def _full_service(cast: SchemeCast, name: str) -> Service:
    service = make_service(cast, name=name, description="Singing together, tea after.", minimum_age=18)
    location = _place(cast, service, 53.2, -1.45, "Millfield Hall")
    Accessibility.objects.create(location=location, description="Step-free entrance and level floors.")
    Schedule.objects.create(
        service=service, freq=Frequency.WEEKLY, byday="TU,2TH", opens_at=dt.time(10), closes_at=dt.time(12)
    )
    CostOption.objects.create(service=service, amount=Decimal("3.50"), currency="GBP", option="per session")
    term = TaxonomyTerm.objects.get_or_create(code="loneliness", kind=TermKind.NEED, defaults={"name": "Lonely"})[0]
    Attribute.objects.create(service=service, taxonomy_term=term)
    return service


def test_a_service_row_becomes_a_doc_with_places_sessions_cost_needs_and_access(cast: Cast) -> None:
    service = _full_service(cast.north, "Community choir")
    [doc] = service_docs(Service.objects.filter(pk=service.pk))
    assert doc.id == str(service.hsds_id)
    assert doc.min_age == 18 and doc.needs == ["loneliness"]
    assert [(s.weekday, s.start, s.end) for s in doc.schedules] == [(1, "10:00", "12:00"), (3, "10:00", "12:00")]
    assert doc.is_free is False and "per session" in doc.cost_text
    assert doc.step_free is True and doc.locations[0].lat == 53.2
    assert doc.delivery == frozenset({"in_person"}) and doc.active and not doc.stale


def test_a_phone_service_is_read_from_its_service_area(cast: Cast) -> None:
    service = make_service(cast.north, name="Phone friends")
    ServiceArea.objects.create(service=service, description="By phone, for people living in LW1 and LW2")
    [doc] = service_docs(Service.objects.filter(pk=service.pk))
    assert doc.delivery == frozenset({"phone"}) and doc.service_area_outcodes == frozenset({"LW1", "LW2"})
    assert doc.is_free is True


def test_reading_services_takes_the_same_number_of_queries_however_many_there_are(cast: Cast) -> None:
    _full_service(cast.north, "One")
    with CaptureCount() as one:
        service_docs(Service.objects.for_scheme(cast.north.scheme))
    for name in ("Two", "Three", "Four"):
        _full_service(cast.north, name)
    with CaptureCount() as four:
        assert len(service_docs(Service.objects.for_scheme(cast.north.scheme))) == 4
    assert four.count == one.count


class CaptureCount:
    def __enter__(self) -> CaptureCount:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self._ctx = CaptureQueriesContext(connection)
        self._ctx.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._ctx.__exit__(None, None, None)
        self.count = len(self._ctx.captured_queries)


def test_a_referral_gives_needs_from_itself_and_its_assessment_and_facts_from_the_person(cast: Cast) -> None:
    PostcodeFactory.create(postcode="LW1 1AB", latitude=53.2, longitude=-1.45)
    today = timezone.localdate()
    person = PersonFactory.create(
        scheme=cast.north.scheme,
        registered_practice=cast.north.practice,
        postcode="LW1 1AB",
        sex=Sex.FEMALE,
        date_of_birth=today.replace(year=today.year - 71) - dt.timedelta(days=1),
        language="Polish",
    )
    referral = assessed_referral(cast.north, person=person, needs=["loneliness"], reason_text="Lives alone.")
    assessment_record(
        actor=cast.north.link_worker,
        referral=referral,
        what_matters="Getting back to her garden",
        needs=["physical_inactivity", "other"],
    )
    query = query_for_referral(referral)
    assert query.needs == frozenset({"loneliness", "physical_inactivity"})
    assert "Lives alone." in query.text and "garden" in query.text
    assert query.age == 71 and query.sex == "female"
    assert (query.lat, query.lng, query.outcode) == (53.2, -1.45, "LW1")
    # Her language lets groups held in Polish be offered; it does not limit her to them.
    assert query.speaks == frozenset({"Polish"}) and query.language is None


def test_inactive_and_stale_services_are_never_candidates(cast: Cast) -> None:
    north = cast.north
    live = make_service(north, name="Walking group", description="A walk in the park")
    _place(north, live, 53.2, -1.45)
    closed = make_service(north, name="Walking club", description="A walk in the park", status=ServiceStatus.INACTIVE)
    _place(north, closed, 53.2, -1.45)
    stale = make_service(
        north,
        name="Walking friends",
        description="A walk in the park",
        last_verified_at=timezone.now() - dt.timedelta(days=400),
    )
    _place(north, stale, 53.2, -1.45)
    found = matching.rank_for_text(north.scheme, "walk in the park", lat=53.2, lng=-1.45)
    assert [s.service.pk for s in found] == [live.pk]


def test_distance_is_measured_from_the_persons_postcode(cast: Cast) -> None:
    north = cast.north
    PostcodeFactory.create(postcode="LW1 1AB", latitude=53.2, longitude=-1.45)
    near = make_service(north, name="Near walk", description="A walk in the park")
    _place(north, near, 53.2, -1.45)
    far = make_service(north, name="Far walk", description="A walk in the park")
    _place(north, far, 53.23, -1.45)  # about 3.3 km north
    away = make_service(north, name="Away walk", description="A walk in the park")
    _place(north, away, 53.5, -1.45)  # over 30 km: out of reach
    person = PersonFactory.create(scheme=north.scheme, registered_practice=north.practice, postcode="LW1 1AB")
    referral = assessed_referral(north, person=person, reason_text="Would like a walk in the park")
    found = matching.suggest_for_referral(north.link_worker, referral, limit=5)
    assert [s.service.name for s in found] == ["Near walk", "Far walk"]
    assert found[0].match.distance_km == pytest.approx(0.0, abs=0.01)
    assert found[1].match.distance_km == pytest.approx(3.34, abs=0.05)


def test_suggestions_never_cross_schemes(cast: Cast) -> None:
    referral = assessed_referral(cast.south)
    make_service(cast.north, name="Walk", description="Lonely? Come for a walk")
    assert matching.suggest_for_referral(cast.north.link_worker, referral) == []


def test_the_index_follows_changes_to_the_directory(cast: Cast) -> None:
    north = cast.north
    first = make_service(north, name="Knit and natter", description="Knitting circle")
    _place(north, first, 53.2, -1.45)
    assert [s.service.pk for s in matching.rank_for_text(north.scheme, "knitting")] == [first.pk]
    index = matching.index_for(north.scheme)

    second = make_service(north, name="Yarn club", description="Knitting and crochet")
    _place(north, second, 53.2, -1.45)
    first.status = ServiceStatus.INACTIVE
    first.save()
    found = matching.rank_for_text(north.scheme, "knitting")
    assert [s.service.pk for s in found] == [second.pk]
    assert matching.index_for(north.scheme) is index  # refreshed in place, not rebuilt

    Service.objects.filter(pk=second.pk).update(last_verified_at=timezone.now() - dt.timedelta(days=400))
    assert matching.rank_for_text(north.scheme, "knitting") == []


# --- lexicon phrases added while evaluating on bench/matching_cases.json -----------------------------------


@pytest.mark.parametrize(
    ("referral", "need"),
    [
        ("Moved here last spring and doesn't know anybody", "loneliness"),
        ("Hardly goes out since the winter", "loneliness"),
        ("Feels completely cut off up on the estate", "loneliness"),
        ("Her brother took his own life in March", "bereavement"),
        ("Wants to improve her English so she can talk to the school", "learning"),
        ("Speaks very little English", "learning"),
        ("Does all the looking after of her dad since his stroke", "caring"),
        ("She is the main carer for her son", "caring"),
    ],
)
def test_the_lexicon_hears_everyday_phrases(referral: str, need: str) -> None:
    from linkwell.matching.lexicon import needs_in_referral

    assert need in needs_in_referral(referral)


def test_paid_carers_visiting_do_not_make_someone_a_carer() -> None:
    from linkwell.matching.lexicon import needs_in_listing, needs_in_referral

    assert "caring" not in needs_in_referral("Lives alone; the carers come in twice a day")
    assert "caring" in needs_in_listing("A café for carers")


@pytest.mark.parametrize(
    ("referral", "condition"),
    [
        ("Had a heart attack last year", "heart"),
        ("Her memory is going", "dementia"),
        ("Losing his sight", "sight_loss"),
    ],
)
def test_the_lexicon_hears_conditions_in_everyday_words(referral: str, condition: str) -> None:
    from linkwell.matching.lexicon import conditions_in

    assert condition in conditions_in(referral)
