import pytest

from tests.factories import make_staff


@pytest.fixture
def sales(db):
    return make_staff("sales")


@pytest.fixture
def finance(db):
    return make_staff("finance")
