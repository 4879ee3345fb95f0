"""Outcomes and evaluation: measure definitions and scoring, paired statistics, small-number suppression.

The modules here are pure Python (no Django imports) so scoring and statistics can be tested against published
worked examples and scipy without a database, and reused by views, the API and management commands alike.
"""
