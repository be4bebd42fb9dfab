import pytest
from django.core.cache import cache


@pytest.fixture
def public_cache(settings):
    """The public page cache as production runs it, on an empty cache."""
    settings.PUBLIC_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()
