"""Casework: a link worker's caseload, and per referral the contacts, assessment, goals and timeline."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from linkwell.accounts.models import Membership
from linkwell.accounts.policies import Capability, can, require
from linkwell.forms import submitted_key
from linkwell.people.policies import people_for
from linkwell.referrals import lifecycle
from linkwell.referrals.models import ClosureReason, Referral, Status

from . import rules, services
from .forms import (
    TRANSITIONS,
    AssessmentForm,
    ContactForm,
    GoalEndForm,
    GoalForm,
    GoalProgressForm,
    TransitionForm,
)
from .policies import caseload_for, caseload_workers_for, get_casework_referral_for, get_goal_for
from .timeline import timeline_for

FILTERS = {
    "contact_overdue": ("Contact overdue", rules.filter_contact_overdue),
    "could_not_contact": ("Could not contact: suggest closing", rules.filter_could_not_contact),
    "follow_up_due": ("Follow-up due", rules.filter_follow_up_due),
}
OPEN = "open"


def _membership(request: HttpRequest, capability: Capability) -> Membership:
    membership: Membership | None = request.membership  # type: ignore[attr-defined]
    require(membership, capability)
    assert membership is not None
    return membership


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    membership = _membership(request, Capability.CASEWORK_VIEW)
    workers = list(caseload_workers_for(membership))
    worker = next((w for w in workers if str(w.pk) == request.GET.get("worker")), None)
    if worker is None:
        worker = membership if any(w.pk == membership.pk for w in workers) else (workers[0] if workers else None)
    state = request.GET.get("state", OPEN)
    flag = request.GET.get("flag", "")
    page = None
    if worker is not None:
        referrals = caseload_for(membership, worker)
        if state == OPEN:
            referrals = referrals.exclude(status__in=lifecycle.FINISHED)
        elif state in Status.values:
            referrals = referrals.filter(status=state)
        if flag in FILTERS:
            referrals = FILTERS[flag][1](referrals)
        page = Paginator(referrals, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "casework/caseload.html",
        {
            "page": page,
            "workers": workers if len(workers) > 1 else [],
            "worker": worker,
            "state": state,
            "states": [
                (OPEN, "All open"),
                *((s.value, s.label) for s in Status if s not in {Status.RECEIVED, Status.REJECTED}),
            ],
            "flag": flag,
            "flags": [(key, label) for key, (label, _) in FILTERS.items()],
            "query": query.urlencode(),
            "now": timezone.now(),
        },
    )


def _transition_buttons(membership: Membership, referral: Referral) -> list[tuple[str, str]]:
    if not can(membership, Capability.CASEWORK_RECORD) or not can(membership, Capability.REFERRAL_MANAGE):
        return []
    targets = [t for t in TRANSITIONS if lifecycle.is_allowed(referral.status, t)]
    if referral.status == Status.ON_HOLD:
        targets.insert(0, "resume")
    return [(target, TRANSITIONS[target][0]) for target in targets]


@login_required
def referral(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, Capability.CASEWORK_VIEW)
    item = get_casework_referral_for(membership, pk)
    services.casework_viewed(actor=membership, referral=item, request=request)
    goals = list(item.goals.prefetch_related("progress"))
    return render(
        request,
        "casework/referral.html",
        {
            "referral": item,
            "person": item.person,
            "can_open_person": people_for(membership).filter(pk=item.person_id).exists(),
            "can_record": can(membership, Capability.CASEWORK_RECORD) and item.status not in services.NO_CASEWORK,
            "can_assess": can(membership, Capability.CASEWORK_RECORD) and item.status not in services.NO_ASSESSMENT,
            "buttons": _transition_buttons(membership, item),
            "could_not_contact": rules.could_not_contact(item),
            "contact_overdue": rules.contact_overdue(item),
            "assessment": services.current_assessment(item),
            "goals": goals,
            "contacts": list(item.contacts.all()[:5]),
            "timeline": timeline_for(item),
        },
    )


def _form_page(request: HttpRequest, referral: Referral, form: Any, **context: Any) -> HttpResponse:
    values = {
        "referral": referral,
        "form": form,
        "back": reverse("casework:referral", args=[referral.pk]),
        "creation_key": context.pop("creation_key", None),
        "bound_fields": [form[name] for name in context.pop("fields")],
        **context,
    }
    return render(request, "casework/form.html", values, status=200)


def _refuse(request: HttpRequest, referral: Referral, error: Exception) -> HttpResponse:
    messages.info(request, str(error))
    return redirect("casework:referral", pk=referral.pk)


def _not_now(request: HttpRequest, referral: Referral, states: frozenset[str], what: str) -> HttpResponse | None:
    """Send the user back to the referral, saying why, when its state does not allow this casework."""
    if referral.status not in states:
        return None
    status = referral.get_status_display().lower()
    return _refuse(
        request, referral, services.CaseworkNotAllowed(f"{what} cannot be recorded on a referral that is {status}")
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, Capability.CASEWORK_RECORD)
    item = get_casework_referral_for(membership, pk, write=True)
    initial: dict[str, Any] = {"date": timezone.localdate(), "direction": "outgoing"}
    if (refused := _not_now(request, item, services.NO_CASEWORK, "Contacts")) is not None:
        return refused
    if request.GET.get("attempt"):
        initial["successful"] = "no"
    form = ContactForm(request.POST if request.method == "POST" else None, initial=initial)
    key = submitted_key(request) or uuid.uuid4()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact = services.contact_log(
                actor=membership,
                referral=item,
                kind=data["kind"],
                successful=data["successful_bool"],
                occurred_at=data["occurred_at"],
                duration_minutes=data["duration_minutes"],
                direction=data["direction"],
                notes=data["notes"],
                creation_key=key,
            )
        except services.CaseworkNotAllowed as error:
            return _refuse(request, item, error)
        messages.success(request, "Contact logged." if contact.successful else "Attempt logged.")
        return redirect("casework:referral", pk=item.pk)
    return _form_page(
        request,
        item,
        form,
        title="Log a contact or an attempt",
        submit="Save",
        creation_key=key,
        fields=["successful", "kind", "direction", "date", "time", "duration_minutes", "notes"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_add(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, Capability.CASEWORK_RECORD)
    item = get_casework_referral_for(membership, pk, write=True)
    current = services.current_assessment(item)
    if (refused := _not_now(request, item, services.NO_ASSESSMENT, "An assessment")) is not None:
        return refused
    initial: dict[str, Any] = {"what_matters": item.what_matters, "needs": item.needs}
    if current is not None:
        initial = {
            "what_matters": current.what_matters,
            "strengths": current.strengths,
            "needs": current.needs,
            "barriers": current.barriers,
            "notes": current.notes,
        }
    form = AssessmentForm(request.POST if request.method == "POST" else None, initial=initial)
    key = submitted_key(request) or uuid.uuid4()
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_record(actor=membership, referral=item, creation_key=key, **form.cleaned_data)
        except services.CaseworkNotAllowed as error:
            return _refuse(request, item, error)
        messages.success(request, "Assessment saved.")
        return redirect("casework:referral", pk=item.pk)
    return _form_page(
        request,
        item,
        form,
        title="Update the assessment" if current else "Record the assessment",
        submit="Save assessment",
        creation_key=key,
        fields=["what_matters", "strengths", "needs", "barriers", "notes"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, Capability.CASEWORK_RECORD)
    item = get_casework_referral_for(membership, pk, write=True)
    if (refused := _not_now(request, item, services.NO_CASEWORK, "Goals")) is not None:
        return refused
    form = GoalForm(request.POST if request.method == "POST" else None)
    key = submitted_key(request) or uuid.uuid4()
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_set(actor=membership, referral=item, creation_key=key, **form.cleaned_data)
        except services.CaseworkNotAllowed as error:
            return _refuse(request, item, error)
        messages.success(request, "Goal added.")
        return redirect("casework:referral", pk=item.pk)
    return _form_page(
        request,
        item,
        form,
        title="Add a goal",
        submit="Add goal",
        creation_key=key,
        fields=["description", "target_date"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_progress(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    membership = _membership(request, Capability.CASEWORK_RECORD)
    item = get_casework_referral_for(membership, pk, write=True)
    goal = get_goal_for(membership, item, goal_pk)
    if not goal.is_open:
        return _refuse(request, item, services.CaseworkNotAllowed("This goal has already ended"))
    form = GoalProgressForm(request.POST if request.method == "POST" else None)
    key = submitted_key(request) or uuid.uuid4()
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_record_progress(actor=membership, goal=goal, creation_key=key, **form.cleaned_data)
        except services.CaseworkNotAllowed as error:
            return _refuse(request, item, error)
        messages.success(request, "Progress recorded.")
        return redirect("casework:referral", pk=item.pk)
    return _form_page(
        request,
        item,
        form,
        title="Record progress",
        caption=goal.description,
        submit="Save progress",
        creation_key=key,
        fields=["score", "note"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_end(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    membership = _membership(request, Capability.CASEWORK_RECORD)
    item = get_casework_referral_for(membership, pk, write=True)
    goal = get_goal_for(membership, item, goal_pk)
    if not goal.is_open:
        return _refuse(request, item, services.CaseworkNotAllowed("This goal has already ended"))
    form = GoalEndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_end(actor=membership, goal=goal, **form.cleaned_data)
        except services.CaseworkNotAllowed as error:
            return _refuse(request, item, error)
        messages.success(request, "Goal ended.")
        return redirect("casework:referral", pk=item.pk)
    return _form_page(
        request,
        item,
        form,
        title="End the goal",
        caption=goal.description,
        submit="End goal",
        fields=["outcome", "note"],
    )


def _run_transition(membership: Membership, item: Referral, target: str, data: dict[str, Any]) -> None:
    kwargs: dict[str, Any] = {"actor": membership, "referral": item, "note": data.get("note", "")}
    match target:
        case Status.CONTACTED:
            lifecycle.referral_record_contacted(**kwargs)
        case Status.UNABLE_TO_CONTACT:
            lifecycle.referral_mark_unable_to_contact(**kwargs)
        case Status.ASSESSED:
            lifecycle.referral_mark_assessed(**kwargs)
        case Status.ACTIVE:
            lifecycle.referral_activate(**kwargs)
        case Status.FOLLOW_UP:
            lifecycle.referral_start_follow_up(**kwargs)
        case Status.ON_HOLD:
            lifecycle.referral_put_on_hold(**kwargs)
        case Status.CLOSED:
            lifecycle.referral_close(**kwargs, reason=data["reason"])
        case Status.REOPENED:
            lifecycle.referral_reopen(**kwargs)
        case "resume":
            lifecycle.referral_resume(**kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def transition(request: HttpRequest, pk: int, target: str) -> HttpResponse:
    membership = _membership(request, Capability.CASEWORK_RECORD)
    require(membership, Capability.REFERRAL_MANAGE)
    item = get_casework_referral_for(membership, pk, write=True)
    if target not in TRANSITIONS:
        raise Http404("No such status change")
    allowed = (target == "resume" and item.status == Status.ON_HOLD) or lifecycle.is_allowed(item.status, target)
    if not allowed:
        status = item.get_status_display().lower()
        return _refuse(
            request, item, services.CaseworkNotAllowed(f"A referral that is {status} cannot change that way")
        )
    initial = {}
    if request.GET.get("reason") in ClosureReason.values:
        initial["reason"] = request.GET["reason"]
    form = TransitionForm(request.POST if request.method == "POST" else None, target=target, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            _run_transition(membership, item, target, form.cleaned_data)
        except lifecycle.TransitionNotAllowed as error:
            return _refuse(request, item, error)
        messages.success(request, f"Status changed to {item.get_status_display().lower()}.")
        return redirect("casework:referral", pk=item.pk)
    fields = ["reason", "note"] if target == Status.CLOSED else ["note"]
    return _form_page(request, item, form, title=TRANSITIONS[target][0], submit=TRANSITIONS[target][0], fields=fields)
