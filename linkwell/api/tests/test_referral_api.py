"""The referral API: bearer tokens per organisation, idempotent create, status and events, structured errors."""

from __future__ import annotations

import copy
import io
import json
import uuid
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from linkwell.accounts.models import AuditEvent
from linkwell.api.models import ApiToken, hash_token
from linkwell.api.tokens import api_token_issue, api_token_revoke
from linkwell.people.models import Person
from linkwell.referrals import lifecycle
from linkwell.referrals.models import Channel, Referral, Source
from linkwell.testing.cast import Cast
from linkwell.testing.factories import PersonFactory

URL = "/api/v1/referrals"

BODY: dict[str, Any] = {
    "person": {
        "given_name": "Walter",
        "family_name": "Fenn",
        "date_of_birth": "1944-07-21",
        "nhs_number": "943 476 5919",
        "postcode": "LS1 4AP",
        "phone": "07700 900999",
    },
    "needs": ["physical_inactivity", "weight"],
    "reason_text": "Wants to get moving again after his knee operation.",
    "what_matters": "Walking his dog to the park",
    "urgency": "routine",
    "consent_to_refer": True,
    "consent_to_share": True,
}


def _token(cast: Cast, scheme: str = "north", org: str = "practice") -> str:
    organisation = getattr(getattr(cast, scheme), org)
    return api_token_issue(organisation=organisation, name=f"GP system {uuid.uuid4().hex[:6]}")[1]


def _post(client: Client, token: str | None, body: Any, key: str | None = "key-1") -> Any:
    headers: dict[str, str] = {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(URL, data=json.dumps(body), content_type="application/json", headers=headers)


def _get(client: Client, token: str, referral_id: Any) -> Any:
    return client.get(f"{URL}/{referral_id}", headers={"Authorization": f"Bearer {token}"})


def _assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return dict(body["error"])


def test_a_gp_system_sends_a_referral_and_reads_its_status(client: Client, cast: Cast) -> None:
    token = _token(cast)
    response = _post(client, token, BODY)
    assert response.status_code == 201, response.content
    data = response.json()
    referral = Referral.objects.get()
    assert data["id"] == str(referral.uid)
    assert data["status"] == "received"
    assert [e["to_status"] for e in data["events"]] == ["received"]
    assert response["Location"] == f"{URL}/{referral.uid}"
    assert (referral.source, referral.channel) == (Source.GP, Channel.API)
    assert referral.referring_organisation == cast.north.practice
    assert referral.person.nhs_number == "9434765919"
    assert AuditEvent.objects.filter(object_type="referrals.Referral", object_id=str(referral.pk)).exists()

    lifecycle.referral_accept(actor=cast.north.link_worker, referral=referral, assigned_to=cast.north.link_worker)
    read = _get(client, token, referral.uid)
    assert read.status_code == 200
    assert read.json()["status"] == "accepted"
    assert [(e["from_status"], e["to_status"]) for e in read.json()["events"]] == [
        (None, "received"),
        ("received", "accepted"),
    ]


def test_repeating_a_request_with_the_same_key_returns_the_original(client: Client, cast: Cast) -> None:
    token = _token(cast)
    first = _post(client, token, BODY)
    second = _post(client, token, copy.deepcopy(BODY))
    assert second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert Referral.objects.count() == 1
    assert Person.objects.count() == 1


def test_the_same_key_with_a_different_body_is_a_conflict(client: Client, cast: Cast) -> None:
    token = _token(cast)
    _post(client, token, BODY)
    changed = {**BODY, "urgency": "urgent"}
    _assert_error(_post(client, token, changed), 409, "idempotency_key_reused")
    assert Referral.objects.count() == 1


def test_keys_belong_to_one_organisation(client: Client, cast: Cast) -> None:
    _post(client, _token(cast), BODY, key="shared")
    other = _post(client, _token(cast, org="other_practice"), BODY, key="shared")
    assert other.status_code == 201
    assert Referral.objects.count() == 2
    assert Person.objects.count() == 1  # the same NHS number links to the same person


def test_a_request_without_an_idempotency_key_is_refused(client: Client, cast: Cast) -> None:
    error = _assert_error(_post(client, _token(cast), BODY, key=None), 400, "idempotency_key_required")
    assert "Idempotency-Key" in error["fields"]
    _assert_error(_post(client, _token(cast), BODY, key="x" * 101), 400, "idempotency_key_required")
    assert not Referral.objects.exists()


@pytest.mark.parametrize("authorization", [None, "Bearer nonsense", "Bearer lw_not-a-real-token", "Basic abc"])
def test_requests_without_a_valid_token_are_refused(client: Client, cast: Cast, authorization: str | None) -> None:
    headers = {"Idempotency-Key": "k"}
    if authorization:
        headers["Authorization"] = authorization
    response = client.post(URL, data=json.dumps(BODY), content_type="application/json", headers=headers)
    _assert_error(response, 401, "unauthorised")
    assert not Referral.objects.exists()


def test_a_revoked_token_stops_working(client: Client, cast: Cast) -> None:
    token, secret = api_token_issue(organisation=cast.north.practice, name="Old system")
    api_token_revoke(token=token)
    _assert_error(_post(client, secret, BODY), 401, "unauthorised")


def test_tokens_are_stored_only_as_hashes(cast: Cast) -> None:
    token, secret = api_token_issue(organisation=cast.north.practice, name="EMIS")
    assert secret not in {token.token_hash, token.token_prefix}
    assert token.token_hash == hash_token(secret)
    assert not token.membership.user.has_usable_password()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b.pop("needs"), "needs"),
        (lambda b: b.update(needs=[]), "needs"),
        (lambda b: b.update(needs=["astrology"]), "needs.0"),
        (lambda b: b.update(reason_text=""), "reason_text"),
        (lambda b: b.update(urgency="whenever"), "urgency"),
        (lambda b: b["person"].update(date_of_birth="21/07/1944"), "person.date_of_birth"),
        (lambda b: b["person"].pop("family_name"), "person.family_name"),
        (lambda b: b["person"].update(nhs_number="943 476 5918"), "person.nhs_number"),
        (lambda b: b["person"].update(postcode="ZZ99 9ZZ"), "person.postcode"),
        (lambda b: b["person"].update(phone=""), "person.phone"),
        (lambda b: b.update(consent_to_refer=False), "consent_to_refer"),
        (lambda b: b.update(safeguarding_concern=True), "safeguarding_details"),
    ],
)
def test_bad_input_is_a_structured_422_naming_the_field(client: Client, cast: Cast, change: Any, field: str) -> None:
    body = copy.deepcopy(BODY)
    change(body)
    response = _post(client, _token(cast), body)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert field in error["fields"], error
    assert not Referral.objects.exists()
    assert not Person.objects.exists()


def test_a_body_that_is_not_json_is_refused_in_the_same_shape(client: Client, cast: Cast) -> None:
    response = client.post(
        URL,
        data="{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {_token(cast)}", "Idempotency-Key": "k"},
    )
    assert response.status_code in (400, 422)
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_an_nhs_number_recorded_with_another_birth_date_is_refused(client: Client, cast: Cast) -> None:
    PersonFactory.create(scheme=cast.north.scheme, nhs_number="9434765919")
    error = _assert_error(_post(client, _token(cast), BODY), 422, "person_mismatch")
    assert "person.nhs_number" in error["fields"]
    assert not Referral.objects.exists()


def test_an_organisation_reads_only_its_own_referrals(client: Client, cast: Cast) -> None:
    ours = _post(client, _token(cast), BODY).json()["id"]
    _assert_error(_get(client, _token(cast, org="other_practice"), ours), 404, "not_found")
    _assert_error(_get(client, _token(cast, scheme="south"), ours), 404, "not_found")
    _assert_error(_get(client, _token(cast), uuid.uuid4()), 404, "not_found")
    assert _get(client, _token(cast), "not-a-uuid").status_code == 422
    assert _get(client, _token(cast), ours).status_code == 200


def test_the_api_is_documented_at_api_docs(client: Client, db: None) -> None:
    assert client.get("/api/docs").status_code == 200
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/referrals" in schema["paths"]
    assert "/api/v1/referrals/{referral_id}" in schema["paths"]


def test_the_command_issues_a_token_and_prints_it_once(cast: Cast) -> None:
    out = io.StringIO()
    call_command("create_api_token", organisation_id=cast.north.practice.pk, name="SystmOne", stdout=out)
    secret = next(line for line in out.getvalue().splitlines() if line.startswith("lw_"))
    assert ApiToken.objects.get().token_hash == hash_token(secret)
    with pytest.raises(CommandError):
        call_command("create_api_token", organisation_id=cast.north.practice.pk, name="SystmOne", stdout=out)
    with pytest.raises(CommandError):
        call_command("create_api_token", organisation_id=999999, name="X", stdout=out)


def test_an_organisation_lists_its_own_referrals_and_polls_for_changes(client: Client, cast: Cast) -> None:
    token = _token(cast)
    ids = [_post(client, token, {**BODY, "urgency": u}, key=f"k{u}").json()["id"] for u in ("routine", "urgent")]
    _post(client, _token(cast, org="other_practice"), BODY, key="theirs")
    listed = client.get(URL, headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200
    assert listed.json()["total"] == 2
    assert {item["id"] for item in listed.json()["items"]} == set(ids)
    referral = Referral.objects.get(uid=ids[0])
    lifecycle.referral_accept(actor=cast.north.link_worker, referral=referral, assigned_to=cast.north.link_worker)
    changed = client.get(URL, {"status": "accepted", "limit": "1"}, headers={"Authorization": f"Bearer {token}"}).json()
    assert [item["id"] for item in changed["items"]] == [ids[0]]
    bad = client.get(URL, {"status": "lost", "limit": "0"}, headers={"Authorization": f"Bearer {token}"})
    error = _assert_error(bad, 422, "invalid")
    assert {"status", "limit"} <= set(error["fields"])
