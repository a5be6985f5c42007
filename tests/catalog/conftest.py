import pytest

from tests.orders.ordering import build_regions


@pytest.fixture
def regions(db):
    """Two regions with capacity and default prices (see tests/orders/ordering.py)."""
    return build_regions()
