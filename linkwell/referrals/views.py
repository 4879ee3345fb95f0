"""Referrals: send one (find or add the person, then the details), follow them, and triage the queue."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from linkwell.accounts.models import Membership, Scheme
from linkwell.accounts.policies import Capability, can, require
from linkwell.forms import submitted_key
from linkwell.people import services as people_services
from linkwell.people.forms import ConfirmNewPersonForm, PersonForm, PersonSearchForm
from linkwell.people.models import Person
from linkwell.people.policies import get_person_for, people_for

from . import lifecycle, services
from .forms import AcceptForm, ReferralDetailsForm, RejectForm, SelfReferralForm, started_token
from .models import Status
from .policies import get_referral_for, link_workers_for, referrals_for, triage_queue_for

CARRY_EXCLUDED = {"csrfmiddlewaretoken", "creation_key", "confirm_step", "confirm_new"}


def _membership(request: HttpRequest, capability: Capability) -> Membership:
    membership: Membership | None = request.membership  # type: ignore[attr-defined]
    require(membership, capability)
    assert membership is not None
    return membership


def _posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data, or None for a GET: an empty POST still binds (and so validates) the form."""
    return request.POST if request.method == "POST" else None


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    membership = _membership(request, Capability.REFERRAL_VIEW)
    referrals = referrals_for(membership).select_related("person", "referring_organisation", "assigned_to__user")
    status = request.GET.get("status", "")
    if status in Status.values:
        referrals = referrals.filter(status=status)
    page = Paginator(referrals, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "referrals/list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "status": status,
            "statuses": Status.choices,
            "now": timezone.now(),
            "can_refer": can(membership, Capability.REFERRAL_CREATE),
            "own_organisation_only": membership.role == "referrer",
        },
    )


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Step 1: find the person (or go on to add them)."""
    membership = _membership(request, Capability.REFERRAL_CREATE)
    form = PersonSearchForm(request.GET or None)
    results: list[Person] | None = None
    if request.GET and form.is_valid():
        q = form.cleaned_data["q"]
        found = people_for(membership).search(q, form.cleaned_data["date_of_birth"])
        results = list(found[:20])
        people_services.people_searched(
            actor=membership, query=q or str(form.cleaned_data["date_of_birth"]), results=len(results)
        )
    return render(request, "referrals/start.html", {"form": form, "results": results})


@login_required
def add_person(request: HttpRequest) -> HttpResponse:
    """Step 1b: add someone not yet recorded, after the duplicate check."""
    membership = _membership(request, Capability.REFERRAL_CREATE)
    require(membership, Capability.PERSON_CREATE)
    form = PersonForm(_posted(request), membership=membership, initial={"registered_practice": None})
    confirm = ConfirmNewPersonForm(request.POST if "confirm_step" in request.POST else None)
    creation_key = submitted_key(request) or uuid.uuid4()
    if request.method == "POST" and form.is_valid():
        already = people_for(membership).filter(creation_key=creation_key).first()
        if already is not None:
            return redirect("referrals:create", person_pk=already.pk)
        values = form.cleaned_data
        duplicates = people_services.find_possible_duplicates(
            actor=membership,
            nhs_number=values["nhs_number"],
            given_name=values["given_name"],
            family_name=values["family_name"],
            date_of_birth=values["date_of_birth"],
            postcode=values["postcode"],
        )
        nhs_clash = bool(values["nhs_number"]) and (
            any(p.nhs_number == values["nhs_number"] for p in duplicates.visible) or duplicates.hidden_count > 0
        )
        if nhs_clash and duplicates.visible:
            match = next(p for p in duplicates.visible if p.nhs_number == values["nhs_number"])
            messages.info(
                request, f"{match.full_name} is already recorded with that NHS number, so we used that record."
            )
            return redirect("referrals:create", person_pk=match.pk)
        if nhs_clash:
            form.add_error(
                "nhs_number",
                "A person with this NHS number is already recorded in this scheme. Ask the link worker team to help",
            )
        elif duplicates.found and not confirm.is_valid():
            carried = [
                (name, value) for name, vals in request.POST.lists() if name not in CARRY_EXCLUDED for value in vals
            ]
            return render(
                request,
                "referrals/add_person.html",
                {
                    "form": form,
                    "duplicates": duplicates,
                    "confirm": confirm,
                    "creation_key": creation_key,
                    "check_step": True,
                    "carried": carried,
                },
            )
        else:
            try:
                person = people_services.person_create(actor=membership, values=values, creation_key=creation_key)
            except people_services.DuplicateNhsNumber:
                form.add_error("nhs_number", "A person with this NHS number is already recorded in this scheme")
            else:
                return redirect("referrals:create", person_pk=person.pk)
    return render(request, "referrals/add_person.html", {"form": form, "creation_key": creation_key})


@login_required
def create(request: HttpRequest, person_pk: int) -> HttpResponse:
    """Step 2: the referral itself."""
    membership = _membership(request, Capability.REFERRAL_CREATE)
    person = get_person_for(membership, person_pk)
    form = ReferralDetailsForm(_posted(request))
    key = submitted_key(request, "idempotency_key") or uuid.uuid4()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        referral = services.referral_create(
            actor=membership,
            person=person,
            needs=data["needs"],
            reason_text=data["reason_text"],
            what_matters=data["what_matters"],
            urgency=data["urgency"],
            safeguarding=data["safeguarding_concern"],
            safeguarding_details=data["safeguarding_details"],
            consent_to_refer=data["consent_to_refer"],
            consent_to_share=data["consent_to_share"],
            idempotency_key=str(key),
        )
        messages.success(request, f"Referral sent for {person.full_name}. You can follow its progress here.")
        return redirect("referrals:detail", pk=referral.pk)
    return render(request, "referrals/create.html", {"form": form, "person": person, "idempotency_key": key})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, Capability.REFERRAL_VIEW)
    referral = get_referral_for(membership, pk)
    services.referral_viewed(actor=membership, referral=referral, request=request)
    events = list(referral.events.select_related("actor", "actor_organisation", "assigned_to__user"))
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "events": events,
            "closing_event": events[-1] if referral.status in lifecycle.FINISHED and events else None,
            "can_triage": can(membership, Capability.REFERRAL_TRIAGE) and referral.status == Status.RECEIVED,
            "can_open_person": people_for(membership).filter(pk=referral.person_id).exists(),
            "now": timezone.now(),
        },
    )


@login_required
def triage(request: HttpRequest) -> HttpResponse:
    membership = _membership(request, Capability.REFERRAL_TRIAGE)
    queue = triage_queue_for(membership).select_related("person", "referring_organisation")
    page = Paginator(queue, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(referral, referral.days_waiting(now)) for referral in page.object_list]
    return render(request, "referrals/triage.html", {"page": page, "rows": rows, "query": ""})


@login_required
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, Capability.REFERRAL_TRIAGE)
    referral = get_referral_for(membership, pk)
    if referral.status != Status.RECEIVED:
        messages.info(
            request, f"This referral has already been triaged: it is {referral.get_status_display().lower()}."
        )
        return redirect("referrals:detail", pk=referral.pk)
    form = AcceptForm(_posted(request), link_workers=link_workers_for(membership))
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.referral_accept(
                actor=membership,
                referral=referral,
                assigned_to=form.cleaned_data["assigned_to"],
                note=form.cleaned_data["note"],
            )
        except lifecycle.TransitionNotAllowed:
            messages.info(request, "Someone else triaged this referral a moment ago.")
        else:
            messages.success(
                request, f"Referral accepted and assigned to {form.cleaned_data['assigned_to'].user.display_name}."
            )
        return redirect("referrals:detail", pk=referral.pk)
    return render(request, "referrals/accept.html", {"form": form, "referral": referral})


@login_required
@require_http_methods(["GET", "POST"])
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, Capability.REFERRAL_TRIAGE)
    referral = get_referral_for(membership, pk)
    if referral.status != Status.RECEIVED:
        messages.info(
            request, f"This referral has already been triaged: it is {referral.get_status_display().lower()}."
        )
        return redirect("referrals:detail", pk=referral.pk)
    form = RejectForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.referral_reject(
                actor=membership, referral=referral, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]
            )
        except lifecycle.TransitionNotAllowed:
            messages.info(request, "Someone else triaged this referral a moment ago.")
        else:
            messages.success(request, "Referral not accepted. The referrer can see the reason.")
        return redirect("referrals:detail", pk=referral.pk)
    return render(request, "referrals/reject.html", {"form": form, "referral": referral})


# --- Public self-referral (no sign-in) ---------------------------------------------------------------

SELF_REFERRAL_LIMIT = 5  # submissions per address per hour
SELF_REFERRAL_WINDOW = 60 * 60


def _public_scheme(slug: str) -> Scheme:
    scheme = Scheme.objects.filter(slug=slug, is_active=True).first()
    if scheme is None or services.intake_organisation(scheme) is None:
        raise Http404("No such scheme")
    return scheme


def _over_rate_limit(request: HttpRequest) -> bool:
    """Count this submission against the sender's address; True once they pass the hourly limit."""
    limit = getattr(settings, "LINKWELL_SELF_REFERRAL_LIMIT", SELF_REFERRAL_LIMIT)
    key = f"linkwell:self-referral:{request.META.get('REMOTE_ADDR', 'unknown')}"
    cache.add(key, 0, timeout=SELF_REFERRAL_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=SELF_REFERRAL_WINDOW)
        count = 1
    return bool(count > limit)


@require_http_methods(["GET", "POST"])
def self_refer(request: HttpRequest, scheme_slug: str) -> HttpResponse:
    scheme = _public_scheme(scheme_slug)
    if request.method == "POST" and _over_rate_limit(request):
        return render(request, "referrals/self_refer_limited.html", {"scheme": scheme}, status=429)
    form = SelfReferralForm(_posted(request))
    key = submitted_key(request, "idempotency_key") or uuid.uuid4()
    if request.method == "POST":
        if form.is_bot:
            # Tell a bot nothing: it sees the same page a person would.
            return redirect("self_referral:done", scheme_slug=scheme.slug)
        if form.is_valid():
            data = form.cleaned_data
            services.self_referral_create(
                scheme=scheme,
                person_values={name: data[name] for name in services.SELF_PERSON_FIELDS},
                needs=data["needs"],
                reason_text=data["reason_text"],
                what_matters=data["what_matters"],
                consent_to_share=data["consent_to_share"],
                idempotency_key=str(key),
                request=request,
            )
            return redirect("self_referral:done", scheme_slug=scheme.slug)
    return render(
        request,
        "referrals/self_refer.html",
        {"form": form, "scheme": scheme, "idempotency_key": key, "started": started_token()},
    )


def self_refer_done(request: HttpRequest, scheme_slug: str) -> HttpResponse:
    scheme = _public_scheme(scheme_slug)
    return render(request, "referrals/self_refer_done.html", {"scheme": scheme})
