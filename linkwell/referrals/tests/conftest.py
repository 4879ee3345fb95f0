from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    # The self-referral rate limit counts in the cache; each test starts from zero.
    cache.clear()
    yield
    cache.clear()
