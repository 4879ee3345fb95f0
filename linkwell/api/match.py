"""POST /api/v1/match: the directory services of the token's scheme that best suit a described person."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from linkwell.matching import service as matching
from linkwell.matching.adapters import PlaceNotFound, place_of_postcode
from linkwell.matching.types import Query, outcode_of
from linkwell.referrals.models import Need

from .errors import ApiError
from .models import ApiToken
from .schemas import ErrorOut

router = Router(tags=["matching"])


class ConstraintsIn(Schema):
    free_only: bool = False
    step_free: bool = False
    remote_ok: bool = Field(False, description="Phone and online services count as within reach")
    max_km: float = Field(8.0, ge=0, le=200, description="How far the person can travel")
    days: list[int] = Field(default_factory=list, description="Weekdays the person can go, 0 = Monday")
    language: str | None = Field(None, max_length=50)


class MatchIn(Schema):
    text: str = Field("", max_length=4000, description="The referral's own words")
    needs: list[Need] = Field(default_factory=list)
    postcode: str | None = Field(None, max_length=10)
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    age: int | None = Field(None, ge=0, le=130)
    sex: Literal["female", "male"] | None = None
    constraints: ConstraintsIn = Field(default_factory=lambda: ConstraintsIn.model_validate({}))
    limit: int = Field(10, ge=1, le=50)


class MatchOut(Schema):
    service_id: str = Field(description="The service's HSDS id")
    name: str
    score: float
    distance_km: float | None
    reasons: list[str]


class MatchPageOut(Schema):
    results: list[MatchOut]


def _query(body: MatchIn) -> Query:
    fields: dict[str, list[str]] = {}
    if not body.text.strip() and not body.needs:
        fields["text"] = ["Describe the person's situation, or give at least one need"]
    if (body.lat is None) != (body.lng is None):
        fields["lng" if body.lng is None else "lat"] = ["Give both lat and lng, or neither"]
    if body.postcode and body.lat is not None:
        fields["postcode"] = ["Give a postcode or lat and lng, not both"]
    if any(not 0 <= d <= 6 for d in body.constraints.days):
        fields["constraints.days"] = ["Days are weekday numbers from 0 (Monday) to 6 (Sunday)"]
    lat, lng, outcode = body.lat, body.lng, None
    if body.postcode and not fields:
        try:
            lat, lng, postcode = place_of_postcode(body.postcode)
        except PlaceNotFound as error:
            fields["postcode"] = [str(error)]
        else:
            outcode = outcode_of(postcode)
    if fields:
        raise ApiError(422, "invalid", "Some of the values sent are not valid", fields)
    rules = body.constraints
    return Query(
        text=body.text,
        needs=frozenset(str(n) for n in body.needs),
        lat=lat,
        lng=lng,
        outcode=outcode,
        age=body.age,
        sex=body.sex,
        free_only=rules.free_only,
        step_free=rules.step_free,
        remote_ok=rules.remote_ok,
        max_km=rules.max_km,
        days=frozenset(rules.days),
        language=rules.language,
    )


@router.post(
    "/match",
    response={200: MatchPageOut, 401: ErrorOut, 422: ErrorOut},
    summary="Suggest services for a person",
)
def match(request: HttpRequest, body: MatchIn) -> dict[str, Any]:
    """Ranked services of your scheme's directory (active and recently verified only), best first, with reasons."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    query = _query(body)
    found = matching.rank_query(token.organisation.scheme_id, query, limit=body.limit)
    return {
        "results": [
            {
                "service_id": s.match.service.id,
                "name": s.match.service.name,
                "score": s.match.score,
                "distance_km": s.match.distance_km,
                "reasons": s.match.reasons,
            }
            for s in found
        ]
    }
