"""Issuing, checking and revoking API tokens."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import AuditAction, Membership, Organisation, Role, User
from linkwell.accounts.services import audit_record

from .models import TOKEN_PREFIX, ApiToken, hash_token

SERVICE_ACCOUNT_DOMAIN = "api.linkwell.invalid"


def api_token_issue(*, organisation: Organisation, name: str, created_by: User | None = None) -> tuple[ApiToken, str]:
    """Issue a token for an organisation's system; returns the row and the secret, which is never stored."""
    name = name.strip()
    if not name:
        raise ValueError("Give the token a name, such as the system that will use it")
    if ApiToken.objects.filter(organisation=organisation, name=name).exists():
        raise ValueError(f"{organisation.name} already has a token called {name!r}")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        account = User.objects.create_user(
            f"token-{secrets.token_hex(6)}@{SERVICE_ACCOUNT_DOMAIN}",
            None,  # no usable password: the account exists only to act through the API
            first_name="API",
            last_name=name[:140],
        )
        membership = Membership.objects.create(user=account, organisation=organisation, role=Role.REFERRER)
        token = ApiToken.objects.create(
            organisation=organisation,
            membership=membership,
            name=name,
            token_hash=hash_token(secret),
            token_prefix=secret[:10],
            created_by=created_by,
        )
        audit_record(
            actor=None,
            user=created_by,
            scheme=organisation.scheme,
            action=AuditAction.CREATE,
            obj=token,
            summary=f"API token {name!r} issued for {organisation.name}",
        )
    return token, secret


def api_token_revoke(*, token: ApiToken, revoked_by: User | None = None) -> ApiToken:
    """Stop a token working; its service account's membership is deactivated too."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            Membership.objects.filter(pk=locked.membership_id).update(is_active=False)
            audit_record(
                actor=None,
                user=revoked_by,
                scheme=locked.organisation.scheme,
                action=AuditAction.UPDATE,
                obj=locked,
                summary=f"API token {locked.name!r} revoked",
            )
    return locked


def token_for_secret(secret: str) -> ApiToken | None:
    """The usable token with this secret, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.usable()
        .select_related("organisation__scheme", "membership__user", "membership__organisation__scheme")
        .filter(token_hash=hash_token(secret))
        .first()
    )
    if token is not None:
        now = timezone.now()
        # Record use at most once a minute, so busy integrations do not write on every request.
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
