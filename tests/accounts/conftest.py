import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters live in the cache; each test starts with a fresh budget."""
    cache.clear()
    yield
    cache.clear()
