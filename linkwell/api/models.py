"""Per-organisation API tokens. Only a hash is stored; the token itself is shown once, when issued."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

from linkwell.accounts.models import Membership, Organisation

TOKEN_PREFIX = "lw_"  # noqa: S105 — a public prefix that marks Linkwell tokens, not a secret


def hash_token(token: str) -> str:
    # Tokens are 256 random bits, so a plain SHA-256 is enough: there is nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        return self.filter(
            revoked_at__isnull=True,
            membership__is_active=True,
            organisation__is_active=True,
            organisation__scheme__is_active=True,
        )


class ApiToken(models.Model):
    """A bearer token for one organisation's system (for example a GP clinical system integration).

    Requests are made as `membership`, a referrer membership of a non-login service account created with
    the token, so the API goes through the same access policy, audit log and services as the web forms.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="api_tokens")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    # The first characters, so people can tell tokens apart without the secret.
    token_prefix = models.CharField(max_length=16)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="api_token_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.token_prefix}…) for {self.organisation.name}"
