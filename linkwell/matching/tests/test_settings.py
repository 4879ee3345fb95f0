"""A scheme's own matching weights: the scheme manager's page, what is stored, and the ranking they change."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from linkwell.accounts.models import AuditEvent, Membership, OrganisationKind, Role
from linkwell.directory.tests.listings import make_postcode, make_service
from linkwell.matching import service as matching
from linkwell.matching.configure import matching_weights_reset, matching_weights_update
from linkwell.matching.forms import FIELD_NAMES, MatchingWeightsForm
from linkwell.matching.models import MatchingSettings
from linkwell.matching.tests.fakes import HashingEncoder
from linkwell.matching.types import Query, Weights
from linkwell.testing.access import assert_role_access, status_for
from linkwell.testing.cast import Cast, login_as
from linkwell.testing.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/matching/settings/"
HOME = (53.2000, -1.4500)
# About 3.3 km north of HOME.
FAR = (53.2300, -1.4500)


@pytest.fixture(autouse=True)
def fast_encoder(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(matching, "encoder_factory", HashingEncoder)
    matching.reset()
    yield
    matching.reset()


def defaults(**changes: Any) -> dict[str, Any]:
    """The form's fields as a browser sends them, at the default values unless changed."""
    values: dict[str, Any] = {name: str(getattr(Weights(), name)) for name in FIELD_NAMES}
    values.update({name: str(value) for name, value in changes.items()})
    return values


def value_of(page: str, name: str) -> str:
    """The value a page's input of that name shows."""
    found = re.search(rf'<input[^>]* name="{name}"[^>]* value="([^"]*)"', page)
    assert found is not None, f"no input {name}"
    return found.group(1)


def only(name: str) -> dict[str, Any]:
    """The form with one part of the score counting and the others not at all."""
    return defaults(**{part: 1 if part == name else 0 for part in Weights().component_weights()})


def only_distance() -> dict[str, Any]:
    return only("distance")


def errors_of(data: dict[str, Any]) -> dict[str, list[str]]:
    form = MatchingWeightsForm(data)
    assert not form.is_valid()
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def two_chess_groups(cast: Cast) -> None:
    """A games afternoon close by that mentions chess once; a chess club further away that is all about it."""
    make_service(
        cast.north.scheme,
        "Chess club",
        description="Chess club: chess lessons, chess games and chess puzzles.",
        place=FAR,
    )
    make_service(
        cast.north.scheme,
        "Games afternoon",
        description="Cards, dominoes, draughts and chess, with tea and cake at the community centre.",
        place=HOME,
    )


def ranked(cast: Cast) -> list[str]:
    query = Query(text="chess", lat=HOME[0], lng=HOME[1])
    return [s.service.name for s in matching.rank_query(cast.north.scheme, query)]


# The form


def test_the_default_weights_are_a_valid_form() -> None:
    assert MatchingWeightsForm(defaults()).is_valid()


def test_a_negative_weight_is_refused_with_a_message_naming_it() -> None:
    assert errors_of(defaults(distance="-0.1")) == {"distance": ["Nearness must be 0 or more"]}


def test_a_weight_above_one_is_refused() -> None:
    assert errors_of(defaults(semantic="1.5")) == {"semantic": ["The meaning of the words must be 1 or less"]}
    assert errors_of(defaults(remote_distance="2")) == {
        "remote_distance": ["Nearness of phone, online and home-visit services must be 1 or less"]
    }


@pytest.mark.parametrize("typed", ["a lot", "nan", "inf", "0,3"])
def test_a_weight_that_is_not_a_number_is_refused(typed: str) -> None:
    assert errors_of(defaults(needs=typed)) == {"needs": ["The person's needs must be a number from 0 to 1, like 0.25"]}


def test_an_empty_weight_is_refused() -> None:
    assert errors_of(defaults(capacity="")) == {"capacity": ["Enter a number from 0 to 1 for places free"]}


def test_all_weights_zero_is_refused_because_nothing_would_count() -> None:
    data = defaults(semantic=0, lexical=0, needs=0, eligibility=0, distance=0, capacity=0, outcomes=0)
    errors = errors_of(data)
    assert list(errors) == ["__all__"]
    assert errors["__all__"][0].startswith("At least one part of the score must count")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "The distance must be more than 0 km"),
        ("-2", "The distance must be more than 0 km"),
        ("51", "The distance must be 50 km or less"),
        ("far", "The distance must be a number of kilometres, like 3"),
    ],
)
def test_the_distance_must_be_a_positive_number_of_kilometres(typed: str, message: str) -> None:
    assert errors_of(defaults(distance_scale_km=typed)) == {"distance_scale_km": [message]}


# The page


def test_the_page_shows_each_weight_with_its_default_filled_in(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.scheme_manager)
    page = client.get(URL).content.decode()
    assert "How much the meaning of the referral&#x27;s words counts" in page
    assert "How much being close by counts" in page
    assert "Distance at which nearness counts for about a third" in page
    assert value_of(page, "semantic") == "0.3"
    assert value_of(page, "distance_scale_km") == "3"
    assert value_of(page, "remote_distance") == "0.5"
    assert "This scheme uses the default weights." in page
    assert "Reset to defaults" not in page


def test_bad_input_shows_the_errors_and_changes_nothing(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.scheme_manager)
    response = client.post(URL, defaults(distance="-1", lexical="lots"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert '<a href="#id_distance">Nearness must be 0 or more</a>' in page
    assert "The exact words must be a number from 0 to 1, like 0.25" in page
    assert not MatchingSettings.objects.exists()
    assert not AuditEvent.objects.filter(object_type="matching.MatchingSettings").exists()


def test_saving_stores_only_what_the_scheme_changed_and_shows_it(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.scheme_manager)
    response = client.post(URL, defaults(distance="0.4", distance_scale_km="5"))
    assert response.status_code == 302 and response["Location"] == URL
    stored = MatchingSettings.objects.get(scheme=cast.north.scheme)
    assert stored.weights == {"distance": 0.4, "distance_scale_km": 5.0}
    assert stored.updated_by == cast.north.scheme_manager.user
    assert matching.weights_for(cast.north.scheme) == Weights(distance=0.4, distance_scale_km=5.0)
    page = client.get(URL).content.decode()
    assert "Matching weights saved." in page
    assert value_of(page, "distance") == "0.4"
    assert value_of(page, "distance_scale_km") == "5"
    assert "Reset to defaults" in page


def test_saving_is_audited_with_what_changed(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.scheme_manager)
    client.post(URL, defaults(distance="0.4"))
    event = AuditEvent.objects.get(object_type="matching.MatchingSettings")
    assert event.action == "update" and event.summary == "Matching weights"
    assert event.scheme_id == cast.north.scheme.pk
    assert event.actor == cast.north.scheme_manager.user
    assert event.changes == {"distance": [0.1, 0.4]}


def test_sending_the_same_form_twice_saves_and_audits_once(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.scheme_manager)
    client.post(URL, defaults(capacity="0.2"))
    client.post(URL, defaults(capacity="0.2"))
    assert MatchingSettings.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="matching.MatchingSettings").count() == 1


def test_reset_puts_every_weight_back_to_the_default_and_is_audited(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.scheme_manager)
    client.post(URL, only_distance())
    response = client.post(URL, {"reset": "1"})
    assert response.status_code == 302
    assert MatchingSettings.objects.get(scheme=cast.north.scheme).weights == {}
    assert matching.weights_for(cast.north.scheme) == Weights()
    reset = AuditEvent.objects.filter(object_type="matching.MatchingSettings").order_by("pk").last()
    assert reset is not None and reset.summary == "Matching weights reset to the defaults"
    assert reset.changes["distance"] == [1.0, 0.1] and reset.changes["semantic"] == [0.0, 0.3]
    assert "Matching weights are back to the defaults." in client.get(URL).content.decode()


def test_the_scheme_settings_page_links_to_the_matching_settings(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.scheme_manager)
    page = client.get(reverse("accounts:scheme_settings")).content.decode()
    assert f'href="{URL}"' in page


# Access


def test_only_the_schemes_manager_and_admin_may_open_or_change_the_weights(client: Client, cast: Cast) -> None:
    assert_role_access(client, cast, URL, allowed={"scheme_manager", "admin"})
    assert_role_access(client, cast, URL, allowed={"scheme_manager", "admin"}, method="post", data=only_distance())
    # Every refused role above sent the distance-only form; only the manager's and the admin's took effect.
    events = AuditEvent.objects.filter(object_type="matching.MatchingSettings")
    assert {event.role for event in events} == {Role.SCHEME_MANAGER}  # the admin's was the same form again


def test_the_network_role_is_refused(client: Client, cast: Cast) -> None:
    host = OrganisationFactory.create(scheme=cast.north.scheme, name="Institute", kind=OrganisationKind.NETWORK)
    viewer = MembershipFactory.create(
        user=UserFactory.create(email="viewer@network.test"), organisation=host, role=Role.NETWORK
    )
    assert status_for(client, viewer, URL) == 403
    assert status_for(client, viewer, URL, "post", {"reset": "1"}) == 403
    assert not MatchingSettings.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_another_schemes_manager_changes_only_their_own_scheme(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.scheme_manager)
    client.post(URL, defaults(distance="0.4"))
    client.logout()
    login_as(client, cast.south.scheme_manager)
    page = client.get(URL).content.decode()
    assert cast.south.scheme.name in page and value_of(page, "distance") == "0.1"
    client.post(URL, {"reset": "1"})
    client.post(URL, defaults(needs="0.9"))
    assert matching.weights_for(cast.north.scheme) == Weights(distance=0.4)
    assert matching.weights_for(cast.south.scheme) == Weights(needs=0.9)


def test_the_write_refuses_a_manager_of_another_scheme_and_other_roles(cast: Cast) -> None:
    actors: list[Membership] = [cast.south.scheme_manager, cast.north.link_worker, cast.north.provider]
    for actor in actors:
        with pytest.raises(PermissionDenied):
            matching_weights_update(actor=actor, scheme=cast.north.scheme, values={"distance": 1.0})
        with pytest.raises(PermissionDenied):
            matching_weights_reset(actor=actor, scheme=cast.north.scheme)
    assert not MatchingSettings.objects.exists()


def test_the_write_refuses_weights_the_ranker_cannot_use(cast: Cast) -> None:
    with pytest.raises(ValueError, match="unknown"):
        matching_weights_update(actor=cast.north.scheme_manager, scheme=cast.north.scheme, values={"speed": 1.0})
    zero = dict.fromkeys(Weights().component_weights(), 0.0)
    with pytest.raises(ValueError, match="at least one component"):
        matching_weights_update(actor=cast.north.scheme_manager, scheme=cast.north.scheme, values=zero)
    assert matching.weights_for(cast.north.scheme) == Weights()


# The ranking


@pytest.mark.parametrize(
    "stored",
    [
        {"distance": -1},
        {"distance": "far"},
        {"speed": 1},
        {"clause_share": 2},
        {"semantic_floor": 1.5},
        {"distance_scale_km": 0},
        dict.fromkeys(Weights().component_weights(), 0),
        ["not", "a", "mapping"],
    ],
)
def test_unusable_stored_weights_fall_back_to_the_defaults_with_a_warning(
    cast: Cast, caplog: pytest.LogCaptureFixture, stored: Any
) -> None:
    MatchingSettings.objects.create(scheme=cast.north.scheme, weights=stored)
    with caplog.at_level(logging.WARNING, logger="linkwell.matching.service"):
        assert matching.weights_for(cast.north.scheme) == Weights()
    assert "cannot be used" in caplog.text


def test_the_page_shows_the_defaults_in_use_when_what_is_stored_is_unusable(client: Client, cast: Cast) -> None:
    MatchingSettings.objects.create(scheme=cast.north.scheme, weights={"distance": 0.7, "clause_share": 2})
    login_as(client, cast.north.scheme_manager)
    assert value_of(client.get(URL).content.decode(), "distance") == "0.1"
    client.post(URL, defaults(needs="0.5"))
    assert MatchingSettings.objects.get(scheme=cast.north.scheme).weights == {"needs": 0.5}


def test_a_saved_weight_changes_the_next_ranking_without_rebuilding_the_index(client: Client, cast: Cast) -> None:
    two_chess_groups(cast)
    login_as(client, cast.north.scheme_manager)
    client.post(URL, only("semantic"))
    assert ranked(cast) == ["Chess club", "Games afternoon"]  # all about chess
    index = matching.index_for(cast.north.scheme)
    client.post(URL, only_distance())
    assert ranked(cast) == ["Games afternoon", "Chess club"]  # close by
    assert matching.index_for(cast.north.scheme) is index
    client.post(URL, {"reset": "1"})
    query = Query(text="chess", lat=HOME[0], lng=HOME[1])
    assert ranked(cast) == [s.service.name for s in matching.rank_query(cast.north.scheme, query, weights=Weights())]


def test_weights_given_by_the_caller_win_over_the_schemes(client: Client, cast: Cast) -> None:
    two_chess_groups(cast)
    login_as(client, cast.north.scheme_manager)
    client.post(URL, only_distance())
    query = Query(text="chess", lat=HOME[0], lng=HOME[1])
    words_only = Weights(semantic=1, lexical=0, needs=0, eligibility=0, distance=0, capacity=0, outcomes=0)
    found = matching.rank_query(cast.north.scheme, query, weights=words_only)
    assert [s.service.name for s in found] == ["Chess club", "Games afternoon"]


def test_the_public_directory_search_uses_the_new_weights_on_the_next_request(client: Client, cast: Cast) -> None:
    make_postcode("LW1 1AA", *HOME)
    two_chess_groups(cast)

    def shown() -> list[str]:
        page = client.get("/directory/north/", {"q": "chess", "postcode": "LW1 1AA"}).content.decode()
        return re.findall(r'<h3[^>]*><a href="[^"]+">([^<]+)</a>', page)

    manager = login_as(Client(), cast.north.scheme_manager)
    manager.post(URL, only("semantic"))
    assert shown() == ["Chess club", "Games afternoon"]
    manager.post(URL, only_distance())
    assert shown() == ["Games afternoon", "Chess club"]
