"""One timeline per referral, merged from every app that has something to say about it.

Each source is a function `(referral) -> Iterable[TimelineEntry]`. Casework registers its own sources
below; other apps (connections, outcomes) call `register_timeline_source` from their AppConfig.ready(),
so casework never imports them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from linkwell.referrals.models import Referral, Status

from .models import GoalProgress

TIMELINE_KINDS = ("event", "contact", "attempt", "assessment", "goal", "goal_progress", "goal_ended")


@dataclass(frozen=True)
class TimelineEntry:
    when: dt.datetime
    kind: str  # a short machine word: "event", "contact", "connection", … (used for the tag colour)
    title: str
    detail: str = ""
    actor: str = ""


TimelineSource = Callable[[Referral], Iterable[TimelineEntry]]

_SOURCES: list[TimelineSource] = []


def register_timeline_source(source: TimelineSource) -> TimelineSource:
    """Add a source of timeline entries (usable as a decorator); registering twice has no effect."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def timeline_sources() -> list[TimelineSource]:
    return list(_SOURCES)


def timeline_for(referral: Referral) -> list[TimelineEntry]:
    """Every source's entries for the referral, newest first."""
    entries = [entry for source in _SOURCES for entry in source(referral)]
    return sorted(entries, key=lambda entry: entry.when, reverse=True)


@register_timeline_source
def referral_events(referral: Referral) -> Iterable[TimelineEntry]:
    for event in referral.events.select_related("actor_organisation", "assigned_to__user"):
        status = Status(event.to_status).label
        title = f"Status: {status}" if event.from_status else "Referral received"
        parts = []
        if event.reason_label:
            parts.append(f"Reason: {event.reason_label}.")
        if event.assigned_to is not None:
            parts.append(f"Assigned to {event.assigned_to.user.display_name}.")
        if event.note:
            parts.append(event.note)
        actor = event.actor_label
        if actor and event.actor_organisation is not None:
            actor = f"{actor} ({event.actor_organisation.name})"
        yield TimelineEntry(when=event.at, kind="event", title=title, detail=" ".join(parts), actor=actor)


@register_timeline_source
def contacts(referral: Referral) -> Iterable[TimelineEntry]:
    for contact in referral.contacts.select_related("recorded_by"):
        if contact.successful:
            title = f"{contact.get_kind_display()} ({contact.duration_minutes} min)"
            kind = "contact"
        else:
            title = f"Tried to reach them: {contact.get_kind_display().lower()}, no answer"
            kind = "attempt"
        if contact.direction == "incoming":
            title += ", they got in touch"
        yield TimelineEntry(
            when=contact.occurred_at,
            kind=kind,
            title=title,
            detail=contact.notes,
            actor=contact.recorded_by.display_name,
        )


@register_timeline_source
def assessments(referral: Referral) -> Iterable[TimelineEntry]:
    for assessment in referral.assessments.select_related("assessed_by"):
        detail = f"What matters: {assessment.what_matters}"
        if assessment.needs:
            detail += f" Needs: {', '.join(assessment.need_labels)}."
        yield TimelineEntry(
            when=assessment.assessed_at,
            kind="assessment",
            title="Assessment recorded"
            if assessment.version == 1
            else f"Assessment updated (version {assessment.version})",
            detail=detail,
            actor=assessment.assessed_by.display_name,
        )


@register_timeline_source
def goals(referral: Referral) -> Iterable[TimelineEntry]:
    for goal in referral.goals.select_related("created_by", "ended_by"):
        target = f" Target: {goal.target_date.day} {goal.target_date:%B %Y}." if goal.target_date else ""
        yield TimelineEntry(
            when=goal.created_at,
            kind="goal",
            title="Goal set",
            detail=f"{goal.description}{target}",
            actor=goal.created_by.display_name,
        )
        if goal.ended_at is not None:
            yield TimelineEntry(
                when=goal.ended_at,
                kind="goal_ended",
                title=f"Goal ended: {goal.get_outcome_display().lower()}",
                detail=f"{goal.description}{' – ' + goal.end_note if goal.end_note else ''}",
                actor=goal.ended_by.display_name if goal.ended_by else "",
            )
    progress = GoalProgress.objects.filter(goal__referral=referral).select_related("goal", "recorded_by")
    for row in progress:
        yield TimelineEntry(
            when=row.recorded_at,
            kind="goal_progress",
            title=f"Goal progress: {row.score}/10",
            detail=f"{row.goal.description[:80]}: {row.note}",
            actor=row.recorded_by.display_name,
        )
