from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from linkwell.accounts.models import AuditEvent
from linkwell.casework.timeline import timeline_for
from linkwell.outcomes import services
from linkwell.outcomes.models import MeasureResponse, Method, Timepoint
from linkwell.outcomes.scoring import AnswerError
from linkwell.referrals.models import Status
from linkwell.referrals.tests.factories import make_referral
from linkwell.testing.cast import Cast

from .helpers import ONS4_ANSWERS, SWEMWBS_ALL_THREES, UCLA3_ANSWERS, record


def test_it_scores_a_response_with_the_measures_own_scorer(cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ASSESSED)
    response = record(cast.north, referral, "swemwbs", Timepoint.BASELINE, SWEMWBS_ALL_THREES)
    assert response.scores == {"swemwbs": 19.25, "swemwbs_raw": 21}
    assert response.answers == SWEMWBS_ALL_THREES
    assert response.person_id == referral.person_id
    assert response.recorded_by == cast.north.link_worker.user
    assert response.method == Method.WITH_LINK_WORKER
    ucla = record(cast.north, referral, "ucla3", Timepoint.BASELINE, UCLA3_ANSWERS)
    assert ucla.scores == {"ucla3": 7, "loneliness_direct": 4}
    ons = record(cast.north, referral, "ons4", Timepoint.BASELINE, ONS4_ANSWERS)
    assert ons.scores["ons4_anxiety"] == 4
    assert AuditEvent.objects.filter(object_type="outcomes.MeasureResponse", person_id=referral.person_id).count() == 3


def test_it_refuses_answers_out_of_range_and_writes_nothing(cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ASSESSED)
    with pytest.raises(AnswerError) as caught:
        record(cast.north, referral, "swemwbs", Timepoint.BASELINE, {**SWEMWBS_ALL_THREES, "4": 9})
    assert "question 4 must be a whole number from 1 to 5" in str(caught.value)
    assert not MeasureResponse.objects.exists()


def test_it_keeps_the_first_response_per_referral_measure_and_timepoint(cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ASSESSED)
    first = record(cast.north, referral, "swemwbs", Timepoint.BASELINE, SWEMWBS_ALL_THREES)
    with pytest.raises(services.AlreadyRecorded) as caught:
        record(cast.north, referral, "swemwbs", Timepoint.BASELINE, {str(n): 5 for n in range(1, 8)})
    assert caught.value.response == first
    assert MeasureResponse.objects.count() == 1


def test_a_repeated_submission_with_the_same_key_returns_the_first_response(cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ASSESSED)
    key = uuid.uuid4()
    kwargs: dict[str, Any] = {
        "actor": cast.north.link_worker,
        "referral": referral,
        "measure": "ucla3",
        "timepoint": Timepoint.BASELINE,
        "answers": UCLA3_ANSWERS,
        "creation_key": key,
    }
    assert services.measure_response_record(**kwargs) == services.measure_response_record(**kwargs)
    assert MeasureResponse.objects.count() == 1


def test_responses_are_never_deleted(cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ASSESSED)
    response = record(cast.north, referral, "ucla3", Timepoint.BASELINE, UCLA3_ANSWERS)
    with pytest.raises(PermissionError):
        response.delete()


def test_only_link_workers_record_measures(cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ASSESSED)
    for role in ["referrer", "provider", "volunteer", "scheme_manager", "admin"]:
        with pytest.raises(PermissionDenied):
            services.measure_response_record(
                actor=cast.north.member(role),
                referral=referral,
                measure="ucla3",
                timepoint=Timepoint.BASELINE,
                answers=UCLA3_ANSWERS,
            )


def test_a_link_worker_cannot_record_for_another_schemes_referral(cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ASSESSED)
    with pytest.raises(PermissionDenied):
        record(cast.south, referral, "ucla3", Timepoint.BASELINE, UCLA3_ANSWERS)


def test_measures_appear_on_the_referral_timeline(cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ASSESSED)
    record(cast.north, referral, "swemwbs", Timepoint.BASELINE, SWEMWBS_ALL_THREES)
    entries = [e for e in timeline_for(referral) if e.kind == "outcome"]
    assert len(entries) == 1
    assert entries[0].title == "SWEMWBS (baseline)"
    assert "19.25" in entries[0].detail


def test_a_scheme_can_define_and_use_its_own_measure(cast: Cast) -> None:
    services.custom_measure_define(
        actor=cast.north.scheme_manager,
        scheme=cast.north.scheme,
        data={
            "code": "confidence",
            "name": "Confidence",
            "higher_is_better": True,
            "items": [{"min": 0, "max": 10, "text": "How confident do you feel?"}],
        },
    )
    services.outcome_settings_update(
        actor=cast.north.scheme_manager, scheme=cast.north.scheme, values={"measures": ["ucla3", "confidence"]}
    )
    referral = make_referral(cast.north, status=Status.ASSESSED)
    response = record(cast.north, referral, "confidence", Timepoint.BASELINE, {"1": 6})
    assert response.scores == {"confidence": 6}
    # Another scheme has no such measure.
    with pytest.raises(ValueError, match="No measure 'confidence'"):
        services.outcome_settings_update(
            actor=cast.south.scheme_manager, scheme=cast.south.scheme, values={"measures": ["confidence"]}
        )
