"""Directory tests rank words with a cheap stand-in encoder, and each starts with no cached match index."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from linkwell.matching import service as matching
from linkwell.matching.tests.fakes import HashingEncoder


@pytest.fixture(autouse=True)
def fast_encoder(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(matching, "encoder_factory", HashingEncoder)
    matching.reset()
    yield
    matching.reset()
