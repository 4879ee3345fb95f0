"""Where the shared ORUK/HSDS standard files live (read in place, never copied into the repo)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator

SHARED = Path(settings.BASE_DIR).parent / "shared"
ORUK = SHARED / "standards" / "oruk"
EXAMPLES = ORUK / "3.0" / "examples"
SCHEMA = ORUK / "3.0" / "schema"
MOCKS = ORUK / "validator-mocks"
HSDS_CSV = SHARED / "standards" / "hsds" / "3.0" / "examples" / "csv"
OPENAPI = ORUK / "3.0" / "openapi.openreferraluk.org.json"
OUTCODES = SHARED / "data" / "uk_outcode_centroids.csv"
POSTCODE_SAMPLE = SHARED / "data" / "uk_postcode_sample.csv"


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def validator(name: str) -> Draft202012Validator:
    """A format-checking validator for a compiled ORUK schema (or taxonomy/taxonomy_term with refs inlined)."""
    if name in ("taxonomy", "taxonomy_term"):
        schema = load(SCHEMA / f"{name}.json")
        term = load(SCHEMA / "taxonomy_term.json")
        text = json.dumps(schema).replace('{"$ref": "taxonomy_term.json"}', json.dumps(term))
        schema = json.loads(text)
    else:
        schema = load(SCHEMA / "compiled" / f"{name}.json")
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors(name: str, instance: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(name).iter_errors(instance)]
