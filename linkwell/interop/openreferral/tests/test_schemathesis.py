"""Property-based requests from the official ORUK 3.0 OpenAPI document: no generated request gets a 5xx.

Runs in-process against the Django WSGI app. The OpenAPI file's response `$ref`s point at GitHub; they are
swapped for the local copies of the compiled schemas so no network is needed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from linkwell.directory.tests.schemes import new_scheme
from linkwell.interop.openreferral.importer import import_feed, read_feed
from linkwell.wsgi import application

from .oruk_files import EXAMPLES, OPENAPI, SCHEMA

REMOTE = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"


def _local_openapi() -> dict[str, Any]:
    text = OPENAPI.read_text(encoding="utf-8")
    document = json.loads(text)

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(REMOTE):
                # Response bodies are not checked here (only "no server error"), so a permissive schema stands in
                # where the remote file is not one of the self-contained compiled ones.
                local = SCHEMA / ref.removeprefix(REMOTE)
                return json.loads(local.read_text()) if "compiled/" in ref and local.is_file() else {}
            if node.get("type") == "time":
                # The published file says `type: time`, which is not a JSON Schema type; it means a time string.
                return {**node, "type": "string", "format": "time"}
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    document = inline(document)
    document["servers"] = [{"url": "/api/oruk"}]
    return document  # type: ignore[no-any-return]


schema = schemathesis.openapi.from_dict(_local_openapi())
schema.app = application


@pytest.fixture
def published_directory(db: None) -> Iterator[None]:
    import_feed(scheme=new_scheme(slug="feed"), feed=read_feed(EXAMPLES / "service_full.json"))
    # Requests go through the real WSGI handler, whose request signals would close the test's database
    # connection (inside its transaction); Django's own test client detaches them the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_generated_request_gets_a_server_error(case: Any, published_directory: None) -> None:
    response = case.call()
    case.validate_response(response, checks=[not_a_server_error])
    assert response.headers.get("access-control-allow-origin") == ["*"]
