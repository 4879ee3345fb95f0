"""The scheme manager's matching settings page: how much each part of a suggestion's score counts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from linkwell.accounts.models import Membership
from linkwell.accounts.policies import Capability, require, scheme_for_configuration

from .configure import matching_weights_reset, matching_weights_update
from .forms import FIELD_NAMES, MatchingWeightsForm
from .service import weights_for
from .types import Weights


def _shown(value: float) -> str:
    """A weight as a person would write it: 3, not 3.0."""
    return str(int(value)) if float(value).is_integer() else str(value)


@login_required
@require_http_methods(["GET", "POST"])
def settings(request: HttpRequest) -> HttpResponse:
    membership: Membership | None = request.membership  # type: ignore[attr-defined]
    require(membership, Capability.SCHEME_CONFIGURE)
    assert membership is not None
    scheme = scheme_for_configuration(membership)
    if request.method == "POST" and "reset" in request.POST:
        matching_weights_reset(actor=membership, scheme=scheme)
        messages.success(request, "Matching weights are back to the defaults. Suggestions use them from now on.")
        return redirect("matching:settings")
    current = weights_for(scheme)
    form = MatchingWeightsForm(
        request.POST if request.method == "POST" else None,
        initial={name: _shown(getattr(current, name)) for name in FIELD_NAMES},
    )
    if request.method == "POST" and form.is_valid():
        matching_weights_update(actor=membership, scheme=scheme, values=form.cleaned_data)
        messages.success(request, "Matching weights saved. Suggestions use them from now on.")
        return redirect("matching:settings")
    context = {"form": form, "scheme": scheme, "is_default": current == Weights()}
    return render(request, "matching/settings.html", context)
