"""The connection step searches the directory with the matcher's ranking (as the public search does)."""

from django.test import Client
from django.urls import reverse

from linkwell.connections.tests.factories import assessed_referral, make_service
from linkwell.matching import service as matching_service
from linkwell.testing.cast import Cast, login_as


def test_the_search_shows_places_free_and_waiting_lists_and_only_prescribable_services(
    client: Client, cast: Cast
) -> None:
    referral = assessed_referral(cast.north)
    make_service(cast.north, name="Tuesday Walk", capacity_available=3, waiting_list_length=0)
    make_service(cast.north, name="Walk and Talk", capacity_available=0, waiting_list_length=6)
    make_service(cast.north, name="Old Walking Club", status="inactive")
    make_service(cast.south, name="Southern Walk")
    login_as(client, cast.north.link_worker)
    response = client.get(reverse("connections:referral", args=[referral.pk]), {"q": "walk"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "2 services found" in body
    assert "Tuesday Walk" in body and "Walk and Talk" in body
    assert "Old Walking Club" not in body and "Southern Walk" not in body
    found = {result.service.name: result.service for result in response.context["found"].results}
    assert found["Walk and Talk"].waiting_list_length == 6
    choices = [str(label) for _, label in response.context["form"].fields["service"].choices]
    assert any("Tuesday Walk" in label for label in choices)
    assert not any("Old Walking Club" in label for label in choices)


def test_the_search_understands_the_referrals_own_words(client: Client, cast: Cast) -> None:
    # The real model: no word of the search appears in the listing that should come first.
    matching_service.reset()
    referral = assessed_referral(cast.north)
    make_service(
        cast.north,
        name="Good Neighbours",
        description="Volunteers visit or phone older people who feel lonely or isolated for a friendly chat.",
    )
    make_service(cast.north, name="Money Matters", description="Free help with debts, arrears and budgeting.")
    login_as(client, cast.north.link_worker)
    response = client.get(reverse("connections:referral", args=[referral.pk]), {"q": "on his own since his wife died"})
    assert response.status_code == 200
    names = [result.service.name for result in response.context["found"].results]
    assert names and names[0] == "Good Neighbours"
    assert "Money Matters" not in names
    matching_service.reset()
