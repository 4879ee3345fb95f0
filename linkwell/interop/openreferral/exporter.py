"""Write one scheme's directory as ORUK JSON (an array of full service objects) or an HSDS CSV data package.

Output is deterministic (rows in HSDS id order), so export → import → export gives identical files.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from django.db.models import Q

from linkwell.accounts.models import Scheme
from linkwell.directory.models import Organization, Service, Taxonomy, TaxonomyTerm

from .mapping import (
    TABLES,
    Feed,
    organization_to_oruk,
    service_to_oruk,
    tables_from_feed,
    taxonomy_to_oruk,
    term_to_oruk,
)


def scheme_services(scheme: Scheme) -> list[dict[str, Any]]:
    services = Service.objects.for_scheme(scheme).with_details().order_by("hsds_id")  # type: ignore[attr-defined]
    return [service_to_oruk(service) for service in services]


def scheme_feed(scheme: Scheme) -> Feed:
    """Everything the scheme's directory holds, in ORUK shapes."""
    services = scheme_services(scheme)
    used_terms = (
        TaxonomyTerm.objects.filter(
            Q(scheme=scheme) | Q(attributes__service__scheme=scheme) | Q(attributes__location__scheme=scheme)
        )
        .distinct()
        .select_related("taxonomy", "parent")
        .order_by("hsds_id")
    )
    taxonomies = Taxonomy.objects.filter(Q(scheme=scheme) | Q(terms__in=used_terms)).distinct().order_by("hsds_id")
    standalone = (
        Organization.objects.for_scheme(scheme)
        .filter(services__isnull=True)
        .prefetch_related("identifiers")
        .select_related("parent")
        .order_by("hsds_id")
    )
    return Feed(
        services=services,
        organizations=[organization_to_oruk(organization) for organization in standalone],
        taxonomies=[taxonomy_to_oruk(taxonomy) for taxonomy in taxonomies],
        taxonomy_terms=[term_to_oruk(term) for term in used_terms],
    )


def export_json(scheme: Scheme, path: Path) -> int:
    """Write the array of full service objects; returns how many services were written."""
    services = scheme_services(scheme)
    path.write_text(json.dumps(services, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(services)


def export_csv(scheme: Scheme, folder: Path) -> int:
    """Write datapackage.json and one CSV per HSDS table into the folder; returns the service count."""
    feed = scheme_feed(scheme)
    tables = tables_from_feed(feed)
    folder.mkdir(parents=True, exist_ok=True)
    resources = []
    for name, (filename, columns) in TABLES.items():
        with (folder / filename).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            for row in tables[name]:
                writer.writerow([row.get(column, "") for column in columns])
        resources.append(
            {
                "name": name,
                "path": filename,
                "profile": "tabular-data-resource",
                "schema": {"fields": [{"name": column, "type": "string"} for column in columns], "primaryKey": "id"},
            }
        )
    descriptor = {
        "name": "linkwell-directory",
        "title": "Linkwell community directory",
        "profile": "tabular-data-package",
        "description": "Human Services Data Specification 3.0 tabular package (Open Referral UK profile).",
        "resources": resources,
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")
    return len(feed.services)
