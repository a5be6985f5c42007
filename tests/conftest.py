import pytest
from django.test import Client

from accounts.services import api_token_create
from tests.factories import make_org, make_user


@pytest.fixture
def org(db):
    return make_org("甲方科技有限公司")


@pytest.fixture
def other_org(db):
    return make_org("乙方智能有限公司")


@pytest.fixture
def alice(org):
    """Administrator of `org`."""
    return make_user(org, email="alice@example.com")


@pytest.fixture
def bob(other_org):
    """Administrator of `other_org`: must never see anything of `org`."""
    return make_user(other_org, email="bob@example.com")


@pytest.fixture
def alice_client(alice):
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(bob):
    client = Client()
    client.force_login(bob)
    return client


def _api_client(user):
    client = Client()
    _token, key = api_token_create(membership=user.membership, name="test")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client


@pytest.fixture
def alice_api(alice):
    return _api_client(alice)


@pytest.fixture
def bob_api(bob):
    return _api_client(bob)
