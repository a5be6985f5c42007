import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_usage_cache():
    """Closed days' usage is cached (assets.selectors.daily_usage): every test starts without it."""
    cache.clear()
    yield
    cache.clear()
