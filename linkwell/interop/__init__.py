"""Interoperability: standards-shaped ways in and out (Open Referral UK, FHIR)."""
