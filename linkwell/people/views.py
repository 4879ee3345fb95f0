"""People: search, add (with a duplicate check), view, change, and record or withdraw consent."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from linkwell.accounts.models import Membership
from linkwell.accounts.policies import Capability, can, require
from linkwell.forms import submitted_key

from . import services
from .forms import ConfirmNewPersonForm, ConsentForm, PersonForm, PersonSearchForm, WithdrawConsentForm
from .models import ConsentScope, Person
from .policies import get_consent_for, get_person_for, people_for


def _membership(request: HttpRequest) -> Membership:
    membership: Membership | None = request.membership  # type: ignore[attr-defined]
    require(membership, Capability.PERSON_VIEW)
    assert membership is not None
    return membership


CARRY_EXCLUDED = {"csrfmiddlewaretoken", "creation_key", "confirm_step", "confirm_new"}


@login_required
def search(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    form = PersonSearchForm(request.GET or None)
    results: list[Person] | None = None
    if request.GET and form.is_valid():
        q = form.cleaned_data["q"]
        found = people_for(membership).search(q, form.cleaned_data["date_of_birth"])
        results = list(found.select_related("registered_practice")[:50])
        services.people_searched(
            actor=membership, query=q or str(form.cleaned_data["date_of_birth"]), results=len(results)
        )
    template = "people/_results.html" if request.htmx and results is not None else "people/search.html"  # type: ignore[attr-defined]
    return render(request, template, {"form": form, "results": results})


@login_required
def create(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    require(membership, Capability.PERSON_CREATE)
    form = PersonForm(request.POST if request.method == "POST" else None, membership=membership)
    confirm = ConfirmNewPersonForm(request.POST if "confirm_step" in request.POST else None)
    duplicates = None
    creation_key = submitted_key(request) or uuid.uuid4()
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        duplicates = services.find_possible_duplicates(
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
        already_created = people_for(membership).filter(creation_key=creation_key).first()
        if already_created is not None:
            return redirect("people:detail", pk=already_created.pk)
        if nhs_clash:
            form.add_error("nhs_number", "A person with this NHS number is already recorded in this scheme")
        elif duplicates.found and not confirm.is_valid():
            return render(
                request,
                "people/create.html",
                {
                    "form": form,
                    "duplicates": duplicates,
                    "confirm": confirm,
                    "creation_key": creation_key,
                    "check_step": True,
                    "carried": [
                        (name, value)
                        for name, values in request.POST.lists()
                        if name not in CARRY_EXCLUDED
                        for value in values
                    ],
                },
            )
        else:
            try:
                person = services.person_create(actor=membership, values=values, creation_key=creation_key)
            except services.DuplicateNhsNumber:
                form.add_error("nhs_number", "A person with this NHS number is already recorded in this scheme")
            else:
                messages.success(request, f"{person.full_name} has been added.")
                return redirect("people:detail", pk=person.pk)
    return render(request, "people/create.html", {"form": form, "creation_key": creation_key})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request)
    person = get_person_for(membership, pk)
    services.person_record_viewed(actor=membership, person=person, request=request)
    consents = list(person.consents.select_related("recorded_by", "recorded_by_organisation", "withdrawn_by"))
    latest = person.current_consents()
    consent_rows = [(label, latest.get(value)) for value, label in ConsentScope.choices]
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "consents": consents,
            "consent_rows": consent_rows,
            "can_edit": can(membership, Capability.PERSON_EDIT),
            "can_record_consent": can(membership, Capability.CONSENT_RECORD),
            "can_refer": can(membership, Capability.REFERRAL_CREATE),
            "can_direct_book": person.scheme.allow_direct_booking and can(membership, Capability.DIRECT_BOOKING),
        },
    )


def _person_initial(person: Person) -> dict[str, Any]:
    initial = {name: getattr(person, name) for name in services.PERSON_FIELDS}
    initial["nhs_number"] = person.nhs_number_display if person.nhs_number else ""
    return initial


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request)
    person = get_person_for(membership, pk, write=True)
    form = PersonForm(
        request.POST if request.method == "POST" else None,
        membership=membership,
        initial=_person_initial(person),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=membership, person=person, values=form.cleaned_data)
        except services.DuplicateNhsNumber:
            form.add_error("nhs_number", "Another person in this scheme already has this NHS number")
        else:
            messages.success(request, "Details saved.")
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/edit.html", {"form": form, "person": person})


@login_required
def consent_add(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request)
    require(membership, Capability.CONSENT_RECORD)
    person = get_person_for(membership, pk)
    form = ConsentForm(request.POST if request.method == "POST" else None, initial={"scope": request.GET.get("scope")})
    creation_key = submitted_key(request) or uuid.uuid4()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.consent_record(
            actor=membership,
            person=person,
            scope=data["scope"],
            granted=data["granted"],
            method=data["method"],
            given_by=data["given_by"],
            representative_name=data["representative_name"],
            notes=data["notes"],
            creation_key=creation_key,
        )
        messages.success(request, "Consent recorded.")
        return redirect("people:detail", pk=person.pk)
    return render(request, "people/consent_add.html", {"form": form, "person": person, "creation_key": creation_key})


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    membership = _membership(request)
    require(membership, Capability.CONSENT_RECORD)
    person = get_person_for(membership, pk)
    consent = get_consent_for(membership, person, consent_pk)
    form = WithdrawConsentForm(request.POST if request.method == "POST" else None)
    if not consent.is_in_force:
        messages.info(request, "That consent is not in force, so there is nothing to withdraw.")
        return redirect("people:detail", pk=person.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(actor=membership, consent=consent, reason=form.cleaned_data["reason"])
        except services.ConsentAlreadyWithdrawn:
            messages.info(request, "That consent had already been withdrawn.")
        else:
            messages.success(request, f"Consent withdrawn: {consent.get_scope_display()}.")
        return redirect("people:detail", pk=person.pk)
    return render(request, "people/consent_withdraw.html", {"form": form, "person": person, "consent": consent})
