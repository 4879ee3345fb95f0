"""The one matching table: a scheme's own weights for ranking (the rest of the matcher is pure Python)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from linkwell.accounts.models import Scheme


class MatchingSettings(models.Model):
    """How a scheme weighs what suggestions are ranked on. `weights` holds only what the scheme changed from
    `matching.types.Weights`' defaults, so a better default reaches every scheme that kept it."""

    scheme = models.OneToOneField(Scheme, on_delete=models.PROTECT, related_name="matching_settings")
    weights = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name_plural = "matching settings"

    def __str__(self) -> str:
        return f"Matching settings for {self.scheme}"
