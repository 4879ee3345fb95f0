"""Outcomes pages: measures due, recording a measure with the person, questionnaire links, and the public form."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from linkwell.accounts.models import Membership
from linkwell.accounts.policies import Capability, can, require, scheme_for_configuration
from linkwell.forms import submitted_key

from . import services
from .definitions import UnknownMeasure, custom_measures, measure_definition, outcome_settings_for, scheme_measures
from .due import due_for
from .forms import LinkForm, MeasureForm, OutcomeSettingsForm
from .models import QuestionnaireLink, Timepoint
from .policies import get_link_by_token, get_outcomes_referral_for, links_for, responses_for
from .scoring import BUILT_IN_MEASURES, AnswerError
from .timeline import score_summary


def _membership(request: HttpRequest, capability: Capability) -> Membership:
    membership: Membership | None = request.membership  # type: ignore[attr-defined]
    require(membership, capability)
    assert membership is not None
    return membership


@login_required
def due(request: HttpRequest) -> HttpResponse:
    membership = _membership(request, Capability.OUTCOMES_RECORD)
    items = due_for(membership)
    return render(
        request,
        "outcomes/due.html",
        {"overdue": [d for d in items if d.overdue], "due_now": [d for d in items if not d.overdue]},
    )


SETTING_FIELDS = (
    "measures",
    "follow_up_weeks",
    "later_timepoint_weeks",
    "gp_appointment_cost",
    "volunteer_hour_value",
    "annual_scheme_cost",
)


@login_required
@require_http_methods(["GET", "POST"])
def settings(request: HttpRequest) -> HttpResponse:
    membership = _membership(request, Capability.SCHEME_CONFIGURE)
    scheme = scheme_for_configuration(membership)
    current = outcome_settings_for(scheme)
    choices = [(code, definition.name) for code, definition in BUILT_IN_MEASURES.items()]
    choices += [(d.code, f"{d.name} (this scheme's own)") for d in custom_measures(scheme)]
    form = OutcomeSettingsForm(
        request.POST if request.method == "POST" else None,
        measure_choices=choices,
        initial={name: getattr(current, name) for name in SETTING_FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        services.outcome_settings_update(actor=membership, scheme=scheme, values=form.cleaned_data)
        messages.success(request, "Outcome settings saved.")
        return redirect("outcomes:settings")
    return render(request, "outcomes/settings.html", {"form": form, "scheme": scheme})


@login_required
def referral_outcomes(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, Capability.OUTCOMES_VIEW)
    referral = get_outcomes_referral_for(membership, pk)
    services.referral_outcomes_viewed(actor=membership, referral=referral)
    responses = responses_for(membership).filter(referral=referral).select_related("recorded_by")
    rows = [(response, *score_summary(response, referral)) for response in responses]
    links = list(links_for(membership).filter(referral=referral))
    measures = scheme_measures(referral.scheme)
    recorded = {(r.measure, r.timepoint) for r in responses}
    grid = [
        (definition, [(tp, label, (definition.code, tp) in recorded) for tp, label in Timepoint.choices])
        for definition in measures
    ]
    return render(
        request,
        "outcomes/referral.html",
        {
            "referral": referral,
            "rows": rows,
            "links": links,
            "grid": grid,
            "can_record": can(membership, Capability.OUTCOMES_RECORD),
            "timepoints": Timepoint.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, pk: int, timepoint: str, measure: str) -> HttpResponse:
    membership = _membership(request, Capability.OUTCOMES_RECORD)
    referral = get_outcomes_referral_for(membership, pk, write=True)
    if timepoint not in Timepoint.values:
        raise Http404("No such timepoint")
    try:
        definition = measure_definition(measure, referral.scheme)
    except UnknownMeasure:
        raise Http404("No such measure") from None
    back = reverse("outcomes:referral", args=[referral.pk])
    if responses_for(membership).filter(referral=referral, measure=measure, timepoint=timepoint).exists():
        messages.info(request, f"{definition.name} has already been recorded at this point.")
        return redirect(back)
    form = MeasureForm(request.POST if request.method == "POST" else None, definition=definition, with_method=True)
    creation_key = (submitted_key(request) or uuid.uuid4()) if request.method == "POST" else uuid.uuid4()
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_response_record(
                actor=membership,
                referral=referral,
                measure=measure,
                timepoint=timepoint,
                answers=form.answers,
                method=form.cleaned_data["method"],
                creation_key=creation_key,
            )
        except services.AlreadyRecorded:
            messages.info(request, f"{definition.name} has already been recorded at this point.")
            return redirect(back)
        except AnswerError as error:  # pragma: no cover - the form runs the same checks
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{definition.name} recorded.")
            return redirect(reverse("outcomes:due") if request.GET.get("next") == "due" else back)
    return render(
        request,
        "outcomes/record.html",
        {
            "referral": referral,
            "definition": definition,
            "form": form,
            "timepoint_label": Timepoint(timepoint).label,
            "creation_key": creation_key,
            "back": back,
        },
    )


@login_required
@require_POST
def create_link(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, Capability.OUTCOMES_RECORD)
    referral = get_outcomes_referral_for(membership, pk, write=True)
    form = LinkForm(request.POST, timepoints=list(Timepoint.choices))
    back = reverse("outcomes:referral", args=[referral.pk])
    if not form.is_valid():
        messages.error(request, "Choose when the questionnaire is for: baseline, follow-up or later.")
        return redirect(back)
    try:
        link, token = services.questionnaire_link_create(
            actor=membership, referral=referral, timepoint=form.cleaned_data["timepoint"]
        )
    except ValueError as error:
        messages.error(request, str(error))
        return redirect(back)
    url = request.build_absolute_uri(reverse("questionnaire:complete", args=[token]))
    names = [measure_definition(code, referral.scheme).name for code in link.measures]
    response = render(
        request, "outcomes/link_created.html", {"referral": referral, "link": link, "url": url, "names": names}
    )
    response["Cache-Control"] = "no-store"
    return response


def _gone(request: HttpRequest, link: QuestionnaireLink, reason: str) -> HttpResponse:
    response = render(request, "outcomes/link_gone.html", {"reason": reason}, status=410)
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, token: str) -> HttpResponse:
    """The public questionnaire a person opens from their link: no account, first name at most."""
    link = get_link_by_token(token)
    if link.used_at is not None:
        return _gone(request, link, "used")
    if link.is_expired():
        return _gone(request, link, "expired")
    scheme = link.referral.scheme if link.referral is not None else None
    definitions = [measure_definition(code, scheme) for code in link.measures]
    data = request.POST if request.method == "POST" else None
    forms = [MeasureForm(data, definition=d, prefix=d.code) for d in definitions]
    # Every form is checked (not stopping at the first), so the person sees all their mistakes at once.
    valid = [form.is_valid() for form in forms]
    if data is not None and all(valid):
        try:
            services.questionnaire_link_submit(link=link, answers={f.definition.code: f.answers for f in forms})
        except services.LinkUnavailable as error:
            return _gone(request, link, error.reason)
        response = render(request, "outcomes/questionnaire_done.html", {})
    else:
        first_name = link.person.preferred_name or link.person.given_name
        response = render(
            request, "outcomes/questionnaire.html", {"forms": forms, "first_name": first_name, "link": link}
        )
    # The token is in the address: keep it out of caches and other sites' referrer logs.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
