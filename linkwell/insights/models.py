"""Summary rows the dashboard reads instead of the source tables: one per referral, one per connection.

They hold nothing that is not derived from referrals, events, contacts, connections, attendance and people, and
are rewritten from those tables by `facts.refresh_facts` (on every write, in the same transaction) and
`facts.rebuild_facts` (after bulk loads). Never edit them by hand; see docs/adr/0014-insights-facts.md.
"""

from __future__ import annotations

from django.db import models

from linkwell.referrals.models import Referral


class ReferralFact(models.Model):
    """What the dashboard needs to know about one referral, computed once when the referral changes."""

    referral = models.OneToOneField(Referral, primary_key=True, on_delete=models.CASCADE, related_name="+")
    # Plain integer copies of the referral's keys: the fact is filtered on them, never joined through them.
    scheme_id = models.BigIntegerField()
    person_id = models.BigIntegerField()
    referring_organisation_id = models.BigIntegerField(null=True)
    assigned_to_id = models.BigIntegerField(null=True)
    received_at = models.DateTimeField()
    # Month of receipt in the deployment's time zone (settings.TIME_ZONE), as yyyymm (e.g. 202503).
    month = models.IntegerField()
    source = models.CharField(max_length=20)
    # One bit per need code, bit i for facts.NEED_ORDER[i] (the order of referrals.Need; new needs go at the end).
    needs = models.IntegerField()
    status = models.CharField(max_length=20)
    # The stages a referral ever reached, from its events (the definitions of queries.funnel).
    accepted = models.BooleanField()
    contacted = models.BooleanField()
    assessed = models.BooleanField()
    completed = models.BooleanField()
    rejected = models.BooleanField()
    could_not_contact = models.BooleanField()
    # A service took the person on (a connection accepted, attending or completed).
    connected = models.BooleanField()
    # Closed or not accepted, and never connected.
    ended_unmet = models.BooleanField()
    # Days from receipt to the first successful contact / the first connection sent, rounded to 0.01 day (about
    # 15 minutes) so percentiles can be read from a histogram on SQLite; null if none.
    days_to_first_contact = models.FloatField(null=True)
    days_to_first_connection = models.FloatField(null=True)
    # The person's postcode district ("LW1"), "" when the postcode has no space.
    district = models.CharField(max_length=8)

    class Meta:
        # Covering indexes, one per panel, so each panel reads one narrow index in order (no sort, no row lookups)
        # when the dashboard is unfiltered; filters use (scheme, received_at).
        indexes = [
            models.Index(fields=["scheme_id", "received_at"], name="referral_fact_scheme"),
            models.Index(fields=["scheme_id", "month", "source"], name="referral_fact_by_source"),
            models.Index(fields=["scheme_id", "month", "needs"], name="referral_fact_by_need"),
            models.Index(fields=["scheme_id", "days_to_first_contact"], name="referral_fact_contact_wait"),
            models.Index(fields=["scheme_id", "days_to_first_connection"], name="referral_fact_connection_wait"),
            models.Index(fields=["scheme_id", "ended_unmet", "district", "needs"], name="referral_fact_unmet"),
            models.Index(fields=["scheme_id", "person_id"], name="referral_fact_person"),
            models.Index(
                fields=[
                    "scheme_id",
                    "status",
                    "accepted",
                    "contacted",
                    "assessed",
                    "connected",
                    "completed",
                    "rejected",
                    "could_not_contact",
                ],
                name="referral_fact_stages",
            ),
        ]

    def __str__(self) -> str:
        return f"Summary of referral {self.pk}"


class ConnectionFact(models.Model):
    """One connection with its referral's filter columns copied on, so connection panels need no joins."""

    connection = models.OneToOneField(
        "connections.Connection", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    referral_id = models.BigIntegerField()
    scheme_id = models.BigIntegerField()
    referring_organisation_id = models.BigIntegerField(null=True)
    assigned_to_id = models.BigIntegerField(null=True)
    received_at = models.DateTimeField()
    needs = models.IntegerField()
    service_id = models.BigIntegerField()
    status = models.CharField(max_length=20)
    # Days from sending to the provider's answer, when both are recorded.
    response_days = models.FloatField(null=True)
    sessions = models.IntegerField()
    present = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["scheme_id", "received_at"], name="connection_fact_scheme"),
            models.Index(
                fields=["scheme_id", "service_id", "status", "response_days", "sessions", "present"],
                name="connection_fact_by_service",
            ),
            models.Index(fields=["service_id", "status"], name="connection_fact_service"),
            models.Index(fields=["referral_id"], name="connection_fact_referral"),
        ]

    def __str__(self) -> str:
        return f"Summary of connection {self.pk}"
