import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    """The throttles count in the cache, which outlives a test's database transaction."""
    cache.clear()
    yield
    cache.clear()
