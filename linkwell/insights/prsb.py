"""The PRSB Social Prescribing information standard dataset: one pseudonymised row per referral in a period.

The columns follow the standard's four groups (person and demographics; needs and concerns; support offered;
outcomes) and its "message back" SNOMED CT codes. It is for the scheme's own reporting and its commissioner, so
it carries no direct identifier: people appear under the same per-scheme pseudonym as `linkwell export-outcomes`
(`linkwell.outcomes.evaluation.pseudonym`), with an age band instead of a date of birth and the postcode
district and deprivation quintile instead of the postcode. Free text (the referral's reasons in the referrer's
words, "what matters to me", notes, goal descriptions) is left out because it so often names people and
places; the coded needs and counts stand in for it. `docs/prsb-dataset.md` describes every column.

The whole dataset takes a fixed number of queries, whatever the number of referrals: one for the referrals
(with the person, organisations and deprivation decile joined in) and one per related table, each filtered by
a subquery on the same referrals.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, OuterRef, QuerySet, Subquery, Sum
from django.utils import timezone

from linkwell.accounts.models import Scheme
from linkwell.casework.models import Assessment, Contact, Goal, GoalOutcome
from linkwell.connections.models import Attendance, AttendanceStatus, Connection
from linkwell.connections.presenters import SNOMED_DECLINED, SNOMED_REFERRED, TAKEN_UP
from linkwell.directory.models import Attribute, TermKind
from linkwell.outcomes import breakdowns
from linkwell.outcomes.definitions import outcome_settings_for
from linkwell.outcomes.evaluation import pseudonym
from linkwell.outcomes.models import MeasureResponse, Timepoint
from linkwell.outcomes.scoring import HEADLINE_SCORE_CODES
from linkwell.people.models import LongTermCondition
from linkwell.places.models import Postcode
from linkwell.referrals.models import (
    Channel,
    ClosureReason,
    Need,
    Referral,
    ReferralEvent,
    RejectionReason,
    Source,
    Status,
    Urgency,
)

from .panels import Table

PERSON = "Person and demographics"
NEEDS = "Needs and concerns"
SUPPORT = "Support offered"
OUTCOMES = "Outcomes"
SECTIONS = (PERSON, NEEDS, SUPPORT, OUTCOMES)


@dataclass(frozen=True)
class Column:
    name: str
    section: str
    meaning: str
    source: str


def _score_columns() -> tuple[Column, ...]:
    return tuple(
        Column(
            f"{code}_{timepoint}",
            OUTCOMES,
            f"The {code} score at {label} for this referral (blank when not taken)",
            "outcomes.MeasureResponse.scores",
        )
        for code in HEADLINE_SCORE_CODES
        for timepoint, label in (("baseline", "baseline"), ("follow_up", "follow-up"))
    )


COLUMNS: tuple[Column, ...] = (
    # 1. Person and demographics
    Column(
        "referral_pseudonym",
        PERSON,
        "A stable pseudonym for the referral within this scheme (the same in every download)",
        "referrals.Referral.id, keyed under the scheme's pseudonym secret",
    ),
    Column(
        "person_pseudonym",
        PERSON,
        "A stable pseudonym for the person within this scheme; the same as in `linkwell export-outcomes`",
        "people.Person.id via outcomes.evaluation.pseudonym",
    ),
    Column("age_band", PERSON, "Age band on the day the referral was received", "people.Person.date_of_birth"),
    Column("sex", PERSON, "Sex (NHS Data Dictionary PERSON PHENOTYPIC SEX)", "people.Person.sex"),
    Column("ethnic_group", PERSON, "High-level ethnic group (2001 census groups)", "people.Person.ethnic_category"),
    Column("postcode_district", PERSON, "The outward code of the home postcode (e.g. LW1)", "people.Person.postcode"),
    Column(
        "deprivation_quintile",
        PERSON,
        "Index of Multiple Deprivation quintile of the home postcode (1 = most deprived 20%)",
        "places.Postcode.imd_decile",
    ),
    Column(
        "registered_practice_ods_code",
        PERSON,
        "ODS code of the person's registered GP practice",
        "people.Person.registered_practice",
    ),
    Column("registered_practice", PERSON, "Name of the registered GP practice", "people.Person.registered_practice"),
    Column(
        "long_term_conditions",
        PERSON,
        "Long-term conditions recorded for the person, separated by semicolons",
        "people.Person.long_term_conditions",
    ),
    Column("interpreter_needed", PERSON, "Whether the person needs an interpreter (Yes/No)", "people.Person"),
    # 2. Needs and concerns
    Column("referral_received_date", NEEDS, "Date the referral was received", "referrals.Referral.received_at"),
    Column("referral_source", NEEDS, "Who referred (GP, pharmacy, council, self…)", "referrals.Referral.source"),
    Column("referral_channel", NEEDS, "How the referral arrived (form, self-referral form, API…)", "Referral.channel"),
    Column(
        "referring_organisation_ods_code",
        NEEDS,
        "ODS code of the referring organisation (blank for self-referrals)",
        "referrals.Referral.referring_organisation",
    ),
    Column(
        "referring_organisation",
        NEEDS,
        "Name of the referring organisation (never the referrer's own name)",
        "referrals.Referral.referring_organisation",
    ),
    Column(
        "reasons_for_referral",
        NEEDS,
        "The needs and concerns the referral gave, separated by semicolons",
        "referrals.Referral.needs",
    ),
    Column(
        "what_matters_recorded",
        NEEDS,
        "Whether 'what matters to me' was recorded, on the referral or at assessment (Yes/No; the words stay out)",
        "Referral.what_matters, casework.Assessment.what_matters",
    ),
    Column("urgency", NEEDS, "Routine or urgent", "referrals.Referral.urgency"),
    Column("safeguarding_concern", NEEDS, "Whether the referrer flagged a safeguarding concern (Yes/No)", "Referral"),
    # 3. Support offered
    Column("referral_status", SUPPORT, "The referral's status when the dataset was made", "Referral.status"),
    Column(
        "accepted_date",
        SUPPORT,
        "Date the link worker service accepted the referral",
        "referrals.ReferralEvent (to accepted)",
    ),
    Column("not_accepted_date", SUPPORT, "Date the referral was not accepted", "referrals.ReferralEvent (to rejected)"),
    Column(
        "not_accepted_reason",
        SUPPORT,
        "Why the referral was not accepted",
        "referrals.ReferralEvent.reason (rejection)",
    ),
    Column(
        "first_contact_date",
        SUPPORT,
        "Date of the first successful contact with a link worker",
        "casework.Contact (successful)",
    ),
    Column("contacts", SUPPORT, "Number of successful link worker contacts", "casework.Contact (successful)"),
    Column(
        "contact_attempts",
        SUPPORT,
        "Number of attempts to make contact that did not succeed",
        "casework.Contact (unsuccessful)",
    ),
    Column(
        "contact_minutes",
        SUPPORT,
        "Total minutes of link worker contact",
        "casework.Contact.duration_minutes",
    ),
    Column("assessment_date", SUPPORT, "Date of the first 'what matters to me' assessment", "casework.Assessment"),
    Column(
        "needs_identified",
        SUPPORT,
        "The needs identified at the latest assessment, separated by semicolons",
        "casework.Assessment.needs (highest version)",
    ),
    Column("goals_set", SUPPORT, "Number of goals agreed with the person", "casework.Goal"),
    Column(
        "connections_offered",
        SUPPORT,
        "Number of activities and services the person was connected to (any status)",
        "connections.Connection",
    ),
    Column(
        "connections_taken_up",
        SUPPORT,
        "Number of those the person took up (attending, completed, or any session attended)",
        "connections.Connection, connections.Attendance",
    ),
    Column(
        "first_connection_date",
        SUPPORT,
        "Date the first activity or service was offered",
        "connections.Connection.created_at",
    ),
    Column(
        "activities",
        SUPPORT,
        "Each activity or service: name (categories): status, offered date, ended date; "
        "activities separated by a vertical bar",
        "connections.Connection, directory.Service, directory.Attribute (category terms)",
    ),
    Column("sessions_attended", SUPPORT, "Sessions attended (including late)", "connections.Attendance"),
    Column("sessions_missed", SUPPORT, "Sessions recorded as did not attend", "connections.Attendance"),
    # 4. Outcomes
    Column("goals_achieved", OUTCOMES, "Goals ended as achieved", "casework.Goal.outcome"),
    Column("goals_partly_achieved", OUTCOMES, "Goals ended as partly achieved", "casework.Goal.outcome"),
    Column("goals_not_achieved", OUTCOMES, "Goals ended as not achieved", "casework.Goal.outcome"),
    Column("goals_open", OUTCOMES, "Goals still open", "casework.Goal.status"),
    *_score_columns(),
    Column("closed_date", OUTCOMES, "Date the referral was closed (blank while open)", "ReferralEvent (to closed)"),
    Column("closure_reason", OUTCOMES, "Why the referral was closed", "referrals.ReferralEvent.reason (closure)"),
    Column(
        "snomed_codes",
        OUTCOMES,
        "SNOMED CT codes for the GP record in the message back, separated by semicolons: "
        f"{SNOMED_REFERRED[0]} ({SNOMED_REFERRED[1]}) once accepted; "
        f"{SNOMED_DECLINED[0]} ({SNOMED_DECLINED[1]}) when closed as declined",
        "as linkwell.connections.presenters.message_back",
    ),
)
COLUMN_NAMES: tuple[str, ...] = tuple(column.name for column in COLUMNS)


def _local_date(when: dt.datetime | None) -> str:
    return "" if when is None else timezone.localtime(when).date().isoformat()


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _labels(codes: list[str] | None, choices: dict[str, str]) -> str:
    return "; ".join(str(choices.get(code, code)) for code in codes or [])


def _postcode_district(postcode: str) -> str:
    # The inward code is always the last three characters of a UK postcode; the rest is the district.
    compact = postcode.replace(" ", "").upper()
    return compact[:-3] if len(compact) >= 5 else ""


def _score(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return "" if value is None else value


def referrals_in_period(
    scheme: Scheme, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> QuerySet[Referral]:
    """The scheme's referrals received in the period (local dates, both ends included)."""
    referrals = Referral.objects.filter(scheme=scheme)
    if date_from is not None:
        referrals = referrals.filter(received_at__date__gte=date_from)
    if date_to is not None:
        referrals = referrals.filter(received_at__date__lte=date_to)
    return referrals


def prsb_rows(
    scheme: Scheme, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> Iterator[dict[str, Any]]:
    """One dict per referral received in the period, keyed by COLUMN_NAMES, oldest referral first."""
    secret = outcome_settings_for(scheme).pseudonym_secret
    # A separate key for referrals, so a referral's pseudonym can never equal a person's.
    referral_secret = f"{secret}:referral"
    chosen = referrals_in_period(scheme, date_from, date_to)
    ids = chosen.values("pk")
    decile = Postcode.objects.filter(postcode=OuterRef("person__postcode")).values("imd_decile")[:1]
    referrals = list(
        chosen.select_related("person__registered_practice", "referring_organisation")
        .annotate(imd_decile=Subquery(decile))
        .order_by("received_at", "pk")
    )

    events: dict[int, list[ReferralEvent]] = defaultdict(list)
    for event in ReferralEvent.objects.filter(referral__in=ids).order_by("at", "id"):
        events[event.referral_id].append(event)

    contacts: dict[int, dict[str, Any]] = {}
    for tally_row in (
        Contact.objects.filter(referral__in=ids)
        .values("referral_id", "successful")
        .annotate(n=Count("id"), minutes=Sum("duration_minutes"), first=Min("occurred_at"))
        .order_by()
    ):
        bucket = contacts.setdefault(
            tally_row["referral_id"], {"contacts": 0, "attempts": 0, "minutes": 0, "first": None}
        )
        if tally_row["successful"]:
            bucket.update(contacts=tally_row["n"], minutes=tally_row["minutes"] or 0, first=tally_row["first"])
        else:
            bucket["attempts"] = tally_row["n"]

    assessments: dict[int, list[Assessment]] = defaultdict(list)
    for assessment in Assessment.objects.filter(referral__in=ids).only(
        "referral_id", "version", "needs", "what_matters", "assessed_at"
    ):
        assessments[assessment.referral_id].append(assessment)

    goals: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for goal_row in (
        Goal.objects.filter(referral__in=ids)
        .values("referral_id", "status", "outcome")
        .annotate(n=Count("id"))
        .order_by()
    ):
        tally = goals[goal_row["referral_id"]]
        tally["set"] += goal_row["n"]
        tally[goal_row["outcome"] or goal_row["status"]] += goal_row["n"]

    connections: dict[int, list[Connection]] = defaultdict(list)
    for connection in (
        Connection.objects.filter(referral__in=ids).select_related("service").order_by("created_at", "pk")
    ):
        connections[connection.referral_id].append(connection)

    categories: dict[int, list[str]] = defaultdict(list)
    for service_id, name in (
        Attribute.objects.filter(service__connections__referral__in=ids, taxonomy_term__kind=TermKind.CATEGORY)
        .values_list("service_id", "taxonomy_term__name")
        .distinct()
        .order_by("service_id", "taxonomy_term__name")
    ):
        categories[service_id].append(name)

    sessions: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for visit in (
        Attendance.objects.filter(connection__referral__in=ids)
        .values("connection_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        sessions[visit["connection_id"]][visit["status"]] = visit["n"]

    scores: dict[int, dict[str, Any]] = defaultdict(dict)
    baselines: dict[tuple[int, str], dt.datetime] = {}
    for response in (
        MeasureResponse.objects.filter(referral__in=ids, timepoint__in=[Timepoint.BASELINE, Timepoint.FOLLOW_UP])
        .order_by("timepoint", "completed_at", "id")  # "baseline" sorts before "follow_up"
        .values("referral_id", "timepoint", "scores", "completed_at")
    ):
        referral_id = response["referral_id"]
        for code, value in (response["scores"] or {}).items():
            if code not in HEADLINE_SCORE_CODES:
                continue
            if response["timepoint"] == Timepoint.BASELINE:
                baselines.setdefault((referral_id, code), response["completed_at"])
                scores[referral_id].setdefault(f"{code}_baseline", value)
            else:
                started = baselines.get((referral_id, code))
                if started is None or response["completed_at"] >= started:
                    scores[referral_id].setdefault(f"{code}_follow_up", value)

    needs = dict(Need.choices)
    conditions = dict(LongTermCondition.choices)
    for referral in referrals:
        person = referral.person
        practice = person.registered_practice
        referrer = referral.referring_organisation
        history = events.get(referral.pk, [])
        accepted = next((e for e in history if e.to_status == Status.ACCEPTED), None)
        rejected = next((e for e in reversed(history) if e.to_status == Status.REJECTED), None)
        closing = next((e for e in reversed(history) if e.to_status == Status.CLOSED), None)
        closed = closing if referral.status == Status.CLOSED else None
        contact = contacts.get(referral.pk, {})
        versions = sorted(assessments.get(referral.pk, []), key=lambda a: a.version)
        goal = goals.get(referral.pk, {})
        offered = connections.get(referral.pk, [])
        attended = missed = taken_up = 0
        activities = []
        for connection in offered:
            tally = sessions.get(connection.pk, {})
            came = tally.get(AttendanceStatus.ATTENDED, 0) + tally.get(AttendanceStatus.LATE, 0)
            attended += came
            missed += tally.get(AttendanceStatus.DID_NOT_ATTEND, 0)
            taken_up += connection.status in TAKEN_UP or came > 0
            kinds = categories.get(connection.service_id)
            text = connection.service.name + (f" ({', '.join(kinds)})" if kinds else "")
            text += f": {connection.get_status_display()}, offered {_local_date(connection.created_at)}"
            if connection.ended_at is not None:
                text += f", ended {_local_date(connection.ended_at)}"
            activities.append(text)
        codes = []
        if accepted is not None:
            codes.append(SNOMED_REFERRED[0])
        if closed is not None and closed.reason == ClosureReason.DECLINED:
            codes.append(SNOMED_DECLINED[0])
        received = timezone.localtime(referral.received_at).date()
        out: dict[str, Any] = {
            "referral_pseudonym": pseudonym(referral_secret, referral.pk),
            "person_pseudonym": pseudonym(secret, person.pk),
            "age_band": breakdowns.age_band(max(person.age_on(received), 0)),
            "sex": breakdowns.sex_group(person.sex),
            "ethnic_group": breakdowns.ethnic_group(person.ethnic_category),
            "postcode_district": _postcode_district(person.postcode),
            "deprivation_quintile": breakdowns.deprivation_quintile(referral.imd_decile) or "",  # type: ignore[attr-defined]
            "registered_practice_ods_code": practice.ods_code if practice else "",
            "registered_practice": practice.name if practice else "",
            "long_term_conditions": _labels(person.long_term_conditions, conditions),
            "interpreter_needed": _yes_no(person.interpreter_needed),
            "referral_received_date": received.isoformat(),
            "referral_source": str(dict(Source.choices).get(referral.source, referral.source)),
            "referral_channel": str(dict(Channel.choices).get(referral.channel, referral.channel)),
            "referring_organisation_ods_code": referrer.ods_code if referrer else "",
            "referring_organisation": referrer.name if referrer else "",
            "reasons_for_referral": _labels(referral.needs, needs),
            "what_matters_recorded": _yes_no(
                bool(referral.what_matters.strip()) or any(a.what_matters.strip() for a in versions)
            ),
            "urgency": str(dict(Urgency.choices).get(referral.urgency, referral.urgency)),
            "safeguarding_concern": _yes_no(referral.safeguarding_concern),
            "referral_status": str(dict(Status.choices).get(referral.status, referral.status)),
            "accepted_date": _local_date(accepted.at if accepted else None),
            "not_accepted_date": _local_date(rejected.at if rejected else None),
            "not_accepted_reason": str(dict(RejectionReason.choices).get(rejected.reason, rejected.reason))
            if rejected
            else "",
            "first_contact_date": _local_date(contact.get("first")),
            "contacts": contact.get("contacts", 0),
            "contact_attempts": contact.get("attempts", 0),
            "contact_minutes": contact.get("minutes", 0),
            "assessment_date": _local_date(versions[0].assessed_at if versions else None),
            "needs_identified": _labels(versions[-1].needs, needs) if versions else "",
            "goals_set": goal.get("set", 0),
            "connections_offered": len(offered),
            "connections_taken_up": taken_up,
            "first_connection_date": _local_date(offered[0].created_at if offered else None),
            "activities": " | ".join(activities),
            "sessions_attended": attended,
            "sessions_missed": missed,
            "goals_achieved": goal.get(GoalOutcome.ACHIEVED, 0),
            "goals_partly_achieved": goal.get(GoalOutcome.PARTLY_ACHIEVED, 0),
            "goals_not_achieved": goal.get(GoalOutcome.NOT_ACHIEVED, 0),
            "goals_open": goal.get("open", 0),
            **{name: _score(scores.get(referral.pk, {}).get(name)) for name in _SCORE_NAMES},
            "closed_date": _local_date(closed.at if closed else None),
            "closure_reason": str(dict(ClosureReason.choices).get(closed.reason, closed.reason)) if closed else "",
            "snomed_codes": ";".join(codes),
        }
        yield out


_SCORE_NAMES = tuple(column.name for column in _score_columns())


def prsb_table(scheme: Scheme, date_from: dt.date | None = None, date_to: dt.date | None = None) -> Table:
    """The dataset as an insights Table, for the CSV and XLSX helpers in `exports`."""
    rows = [[row[name] for name in COLUMN_NAMES] for row in prsb_rows(scheme, date_from, date_to)]
    return Table(
        slug="prsb-social-prescribing",
        title=f"PRSB social prescribing dataset: {scheme.name}",
        columns=list(COLUMN_NAMES),
        rows=rows,
        note="One row per referral received in the period, pseudonymised; columns in docs/prsb-dataset.md.",
    )


def describe_period(scheme: Scheme, date_from: dt.date | None, date_to: dt.date | None) -> list[tuple[str, str]]:
    """The filter lines the exports print above the table."""
    return [
        ("Scheme", scheme.name),
        ("Referrals received from", date_from.isoformat() if date_from else "the start"),
        ("Referrals received to", date_to.isoformat() if date_to else "today"),
    ]
