"""Open Referral UK 3.0 / HSDS 3.0: mapping, import, export and the read API under /api/oruk/."""
