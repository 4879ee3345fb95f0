"""Sign-in, the role-aware home page, organisation switching, scheme settings and the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from .forms import (
    AuditFilterForm,
    NewPasswordForm,
    ResetRequestForm,
    SchemeSettingsForm,
    SignInForm,
    SwitchOrganisationForm,
)
from .middleware import SESSION_KEY
from .models import AuditAction, Membership, Role
from .policies import (
    audit_events_for,
    get_membership_for_user,
    networks_for,
    organisations_for,
    scheme_for_configuration,
)
from .services import audit_record, scheme_update_settings


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        membership = Membership.objects.active().filter(user=user).select_related("organisation__scheme").first()
        if membership is not None:
            self.request.session[SESSION_KEY] = membership.pk
        audit_record(actor=membership, user=user, action=AuditAction.LOGIN, request=self.request)
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        if form.data.get("username"):
            audit_record(
                actor=None,
                action=AuditAction.LOGIN_FAILED,
                summary=f"Failed sign-in for {str(form.data.get('username'))[:100]}",
                request=self.request,
            )
        return super().form_invalid(form)


@require_http_methods(["POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(actor=request.membership, user=request.user, action=AuditAction.LOGOUT, request=request)  # type: ignore[attr-defined,arg-type]
    return auth_views.LogoutView.as_view()(request)


class ResetRequestView(auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


HOME_TEMPLATES = {
    Role.REFERRER: "accounts/home_referrer.html",
    Role.LINK_WORKER: "accounts/home_link_worker.html",
    Role.PROVIDER: "accounts/home_provider.html",
    Role.VOLUNTEER: "accounts/home_volunteer.html",
    Role.SCHEME_MANAGER: "accounts/home_scheme_manager.html",
    Role.ADMIN: "accounts/home_admin.html",
    Role.NETWORK: "accounts/home_network.html",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    membership: Membership | None = request.membership  # type: ignore[attr-defined]
    if membership is None:
        return render(request, "accounts/no_membership.html", status=403)
    context: dict[str, Any] = {"scheme": membership.organisation.scheme}
    if membership.role in (Role.SCHEME_MANAGER, Role.ADMIN):
        organisations = organisations_for(membership)
        context["organisation_count"] = organisations.count()
        context["member_count"] = Membership.objects.active().filter(organisation__in=organisations).count()
        context["recent_audit"] = audit_events_for(membership)[:5]
    # Network viewers, and scheme managers whose scheme is in a network, compare schemes on the network page.
    context["networks"] = list(networks_for(membership))
    return render(request, HOME_TEMPLATES[Role(membership.role)], context)


@login_required
def switch_organisation(request: HttpRequest) -> HttpResponse:
    memberships: list[Membership] = request.memberships  # type: ignore[attr-defined]
    choices = [
        (m.pk, f"{m.organisation.name} – {m.get_role_display()} ({m.organisation.scheme.name})") for m in memberships
    ]
    form = SwitchOrganisationForm(request.POST if request.method == "POST" else None, choices=choices)
    current = request.membership  # type: ignore[attr-defined]
    if request.method == "GET" and current is not None:
        form.initial["membership"] = current.pk
    if request.method == "POST" and form.is_valid():
        chosen = get_membership_for_user(request.user, form.cleaned_data["membership"])  # type: ignore[arg-type]
        request.session[SESSION_KEY] = chosen.pk
        audit_record(actor=chosen, action=AuditAction.SWITCH, summary=f"Now working as {chosen}", request=request)
        messages.success(request, f"You are now working as {chosen}.")
        return redirect("home")
    return render(request, "accounts/switch.html", {"form": form})


@login_required
def scheme_settings(request: HttpRequest) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    scheme = scheme_for_configuration(membership)
    form = SchemeSettingsForm(request.POST if request.method == "POST" else None, instance=scheme)
    if request.method == "POST" and form.is_valid():
        scheme_update_settings(actor=membership, scheme=scheme, values=form.cleaned_data)
        messages.success(request, "Scheme settings saved.")
        return HttpResponseRedirect(request.path)
    return render(request, "accounts/scheme_settings.html", {"form": form, "scheme": scheme})


@login_required
def organisations(request: HttpRequest) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    rows = organisations_for(membership).order_by("kind", "name")
    return render(request, "accounts/organisations.html", {"organisations": rows})


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    events = audit_events_for(membership)
    form = AuditFilterForm(request.GET or None)
    if form.is_valid():
        if form.cleaned_data["action"]:
            events = events.filter(action=form.cleaned_data["action"])
        if form.cleaned_data["person"]:
            events = events.filter(person_id=form.cleaned_data["person"])
        if form.cleaned_data["actor"]:
            events = events.filter(actor_label__icontains=form.cleaned_data["actor"])
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/audit_log.html", {"form": form, "page": page, "query": query.urlencode()})
