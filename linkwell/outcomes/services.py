"""Writes for outcomes: recording responses, questionnaire links, loaded wording, scheme measures, GP counts."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from linkwell.accounts.models import AuditAction, Membership, Scheme, User
from linkwell.accounts.policies import Capability, require
from linkwell.accounts.services import audit_record
from linkwell.people.models import Person
from linkwell.referrals.models import Referral

from .definitions import UnknownMeasure, measure_definition, outcome_settings_for, scheme_measures
from .models import (
    LINK_DAYS,
    AppointmentCount,
    DefinitionKind,
    MeasureDefinitionRecord,
    MeasureResponse,
    Method,
    QuestionnaireLink,
    Timepoint,
)
from .scoring import BUILT_IN_MEASURES, custom_measure_from_dict, load_item_text


class AlreadyRecorded(Exception):
    """This measure has already been recorded for the referral at this timepoint (responses are never replaced)."""

    def __init__(self, response: MeasureResponse) -> None:
        self.response = response
        super().__init__("This measure has already been recorded for this referral at this point.")


class LinkUnavailable(Exception):
    """The questionnaire link has been used or has expired."""

    def __init__(self, reason: str) -> None:
        self.reason = reason  # "used" or "expired"
        super().__init__(f"This link has {'already been used' if reason == 'used' else 'expired'}.")


def _check_scheme(actor: Membership, referral: Referral) -> None:
    if actor.organisation.scheme_id != referral.scheme_id:
        raise PermissionDenied("This referral belongs to another scheme")


def _existing(referral: Referral, measure: str, timepoint: str) -> MeasureResponse | None:
    return MeasureResponse.objects.filter(referral=referral, measure=measure, timepoint=timepoint).first()


def measure_response_record(
    *,
    actor: Membership,
    referral: Referral,
    measure: str,
    timepoint: Timepoint | str,
    answers: Mapping[int, object] | Mapping[str, object] | Sequence[object],
    method: Method | str = Method.WITH_LINK_WORKER,
    creation_key: uuid.UUID | None = None,
) -> MeasureResponse:
    """Score and record one measure taken with the person; raises AnswerError or AlreadyRecorded."""
    require(actor, Capability.OUTCOMES_RECORD)
    _check_scheme(actor, referral)
    if timepoint not in Timepoint.values:
        raise ValueError(f"Unknown timepoint {timepoint!r}")
    if method not in {Method.WITH_LINK_WORKER, Method.PHONE}:
        raise ValueError("A link worker records measures with the person or by phone")
    if creation_key is not None:
        repeat = MeasureResponse.objects.filter(creation_key=creation_key).first()
        if repeat is not None:
            return repeat
    definition = measure_definition(measure, referral.scheme)
    scores = definition.score(answers)
    clean_answers = _answers_by_number(definition.items, answers)
    with transaction.atomic():
        # Lock the referral so two people recording the same measure at once cannot both succeed.
        Referral.objects.select_for_update().filter(pk=referral.pk).first()
        existing = _existing(referral, measure, str(timepoint))
        if existing is not None:
            raise AlreadyRecorded(existing)
        response = MeasureResponse.objects.create(
            scheme_id=referral.scheme_id,
            person_id=referral.person_id,
            referral=referral,
            measure=measure,
            timepoint=str(timepoint),
            answers=clean_answers,
            scores=scores,
            completed_at=timezone.now(),
            method=str(method),
            recorded_by=actor.user,
            recorded_by_organisation=actor.organisation,
            creation_key=creation_key,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=response,
            person_id=referral.person_id,
            summary=f"{definition.name} recorded ({Timepoint(timepoint).label.lower()})",
        )
    return response


def _answers_by_number(items: Sequence[Any], answers: Any) -> dict[str, int]:
    # Stored keyed by item number as text (JSON keys are strings), after scoring has checked them.
    if isinstance(answers, Mapping):
        by_key = {str(key).strip(): value for key, value in answers.items()}
        return {str(item.number): int(str(by_key[str(item.number)]).strip()) for item in items}
    return {str(item.number): int(str(value).strip()) for item, value in zip(items, answers, strict=True)}


# --- Questionnaire links --------------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    """The stored form of a link's token."""
    return hashlib.sha256(token.encode()).hexdigest()


def outstanding_measures(referral: Referral, timepoint: str) -> list[str]:
    """The scheme's measures not yet recorded for the referral at this timepoint, in the scheme's order."""
    done = set(MeasureResponse.objects.filter(referral=referral, timepoint=timepoint).values_list("measure", flat=True))
    return [d.code for d in scheme_measures(referral.scheme) if d.code not in done]


def questionnaire_link_create(
    *,
    actor: Membership,
    referral: Referral,
    timepoint: Timepoint | str,
    measures: Sequence[str] | None = None,
    days: int = LINK_DAYS,
) -> tuple[QuestionnaireLink, str]:
    """Create a single-use link for the person; returns it with the token (shown once, stored only hashed)."""
    require(actor, Capability.OUTCOMES_RECORD)
    _check_scheme(actor, referral)
    if timepoint not in Timepoint.values:
        raise ValueError(f"Unknown timepoint {timepoint!r}")
    codes = list(measures) if measures is not None else outstanding_measures(referral, str(timepoint))
    if not codes:
        raise ValueError("Every measure has already been recorded at this point.")
    for code in codes:
        measure_definition(code, referral.scheme)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        link = QuestionnaireLink.objects.create(
            scheme_id=referral.scheme_id,
            person_id=referral.person_id,
            referral=referral,
            measures=codes,
            timepoint=str(timepoint),
            token_hash=hash_token(token),
            expires_at=timezone.now() + dt.timedelta(days=days),
            created_by=actor.user,
            created_by_organisation=actor.organisation,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=link,
            person_id=referral.person_id,
            summary=f"Questionnaire link created ({Timepoint(timepoint).label.lower()})",
        )
    return link, token


def questionnaire_link_submit(
    *, link: QuestionnaireLink, answers: Mapping[str, Mapping[str, object]]
) -> list[MeasureResponse]:
    """Record a person's own answers from a link and use the link up; raises LinkUnavailable or AnswerError."""
    with transaction.atomic():
        locked = QuestionnaireLink.objects.select_for_update().get(pk=link.pk)
        now = timezone.now()
        if locked.used_at is not None:
            raise LinkUnavailable("used")
        if locked.is_expired(now):
            raise LinkUnavailable("expired")
        scheme = Scheme.objects.get(pk=locked.scheme_id)
        scored: list[tuple[str, dict[str, float], dict[str, int]]] = []
        for code in locked.measures:
            definition = measure_definition(code, scheme)
            given = answers.get(code, {})
            scores = definition.score(given)
            scored.append((code, scores, _answers_by_number(definition.items, given)))
        created: list[MeasureResponse] = []
        for code, scores, clean in scored:
            # Recorded meanwhile with the link worker: the first record stands.
            if locked.referral is not None and _existing(locked.referral, code, locked.timepoint) is not None:
                continue
            created.append(
                MeasureResponse.objects.create(
                    scheme_id=locked.scheme_id,
                    person_id=locked.person_id,
                    referral=locked.referral,
                    measure=code,
                    timepoint=locked.timepoint,
                    answers=clean,
                    scores=scores,
                    completed_at=now,
                    method=Method.SELF_LINK,
                    link=locked,
                )
            )
        locked.used_at = now
        locked.save(update_fields=["used_at"])
        audit_record(
            actor=None,
            action=AuditAction.CREATE,
            obj=locked,
            person_id=locked.person_id,
            scheme=scheme,
            summary=f"Questionnaire completed from a link ({len(created)} measures)",
        )
    link.used_at = locked.used_at
    return created


# --- Definitions: loaded wording and a scheme's own measures --------------------------------------------------


def measure_text_load(
    *,
    code: str,
    items: Mapping[str, str],
    options: Mapping[str, str] | None = None,
    user: User | None = None,
) -> MeasureDefinitionRecord:
    """Store a deployment's licensed wording for a built-in measure after checking it fits the measure."""
    if code not in BUILT_IN_MEASURES:
        raise ValueError(f"No built-in measure {code!r}; built-in measures are {', '.join(BUILT_IN_MEASURES)}.")
    load_item_text(BUILT_IN_MEASURES[code], items, options)
    data = {
        "items": {str(k).strip(): str(v).strip() for k, v in items.items()},
        "options": {str(k).strip(): str(v).strip() for k, v in options.items()} if options else None,
    }
    with transaction.atomic():
        record, created = MeasureDefinitionRecord.objects.update_or_create(
            scheme=None,
            code=code,
            defaults={"kind": DefinitionKind.WORDING, "data": data, "loaded_at": timezone.now(), "loaded_by": user},
        )
        # The wording itself is licensed: the audit row says it was loaded, not what it says.
        audit_record(
            actor=None,
            user=user,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=record,
            summary=f"Item wording loaded for {code} ({len(items)} items)",
        )
    return record


def custom_measure_define(
    *, actor: Membership | None, scheme: Scheme, data: Mapping[str, Any]
) -> MeasureDefinitionRecord:
    """Add or replace a scheme's own simple measure; raises ValueError listing every problem."""
    if actor is not None:
        require(actor, Capability.SCHEME_CONFIGURE)
        if actor.organisation.scheme_id != scheme.pk:
            raise PermissionDenied("Another scheme")
    definition = custom_measure_from_dict(data)
    with transaction.atomic():
        record, created = MeasureDefinitionRecord.objects.update_or_create(
            scheme=scheme,
            code=definition.code,
            defaults={"kind": DefinitionKind.CUSTOM, "data": dict(data), "loaded_at": timezone.now()},
        )
        audit_record(
            actor=actor,
            scheme=scheme,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=record,
            summary=f"Scheme measure {definition.code} defined",
        )
    return record


def outcome_settings_update(*, actor: Membership | None, scheme: Scheme, values: Mapping[str, Any]) -> Any:
    """Change a scheme's outcomes settings (measures, timepoints, unit costs) and audit what changed."""
    from linkwell.accounts.services import field_changes

    fields = [
        "measures",
        "follow_up_weeks",
        "later_timepoint_weeks",
        "gp_appointment_cost",
        "volunteer_hour_value",
        "annual_scheme_cost",
    ]
    if actor is not None:
        require(actor, Capability.SCHEME_CONFIGURE)
        if actor.organisation.scheme_id != scheme.pk:
            raise PermissionDenied("Another scheme")
    with transaction.atomic():
        settings = outcome_settings_for(scheme)
        before = {name: getattr(settings, name) for name in fields}
        for name in fields:
            if name in values:
                setattr(settings, name, values[name])
        for code in settings.measures:
            try:
                measure_definition(str(code), scheme)
            except UnknownMeasure:
                raise ValueError(f"No measure {code!r} is defined for this scheme.") from None
        settings.full_clean()
        settings.save()
        changes = field_changes(before, {name: getattr(settings, name) for name in fields})
        if changes:
            audit_record(
                actor=actor,
                scheme=scheme,
                action=AuditAction.UPDATE,
                obj=settings,
                summary="Outcome settings",
                changes=changes,
            )
    return settings


# --- GP appointment counts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppointmentRow:
    """One valid row of an appointments file, matched to a person (and their referral when one fits)."""

    line: int
    nhs_number: str
    referral_date: dt.date
    before: int
    after: int
    person: Person
    referral: Referral | None


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)


def appointment_counts_import(
    *, scheme: Scheme, rows: Sequence[AppointmentRow], source: str, problems: Sequence[tuple[int, str]] = ()
) -> ImportResult:
    """Store checked appointment counts in one transaction (a re-import replaces a person's earlier counts)."""
    result = ImportResult(problems=list(problems))
    now = timezone.now()
    with transaction.atomic():
        for row in rows:
            try:
                with transaction.atomic():
                    _, created = AppointmentCount.objects.update_or_create(
                        scheme=scheme,
                        nhs_number=row.nhs_number,
                        referral_date=row.referral_date,
                        defaults={
                            "person": row.person,
                            "referral": row.referral,
                            "before_12m": row.before,
                            "after_12m": row.after,
                            "imported_at": now,
                            "source": source[:200],
                        },
                    )
            except IntegrityError:  # pragma: no cover - rows are de-duplicated before import
                result.problems.append((row.line, "This row could not be stored."))
                continue
            if created:
                result.created += 1
            else:
                result.updated += 1
        audit_record(
            actor=None,
            scheme=scheme,
            action=AuditAction.CREATE,
            summary=f"GP counts imported from {source[:100]}: {result.created} new, {result.updated} updated",
        )
    return result


def referral_outcomes_viewed(*, actor: Membership, referral: Referral) -> None:
    """Audit that someone opened a person's outcome measures."""
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        obj=referral,
        person_id=referral.person_id,
        summary="Outcome measures viewed",
    )
