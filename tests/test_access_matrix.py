"""Every customer URL and API operation refuses strangers, discovered from the URLconf and the OpenAPI schema.

New pages and endpoints are covered automatically; a deliberately public one must be listed below.
Per-object checks (another tenant gets a 404) live in each app's tests.
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

CUSTOMER_NAMESPACES = {"accounts", "catalog", "orders", "contracts", "assets", "billing"}
PUBLIC_URL_NAMES = {
    "accounts:login",
    "accounts:logout",
    "accounts:signup",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "accounts:accept_invitation",
}
PUBLIC_API_PATHS = {"/api/v1/openapi.json", "/api/v1/docs"}
SAMPLE_ARGS = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "path": "x",
}


def _walk(resolver, prefix="", namespace=None):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and namespace in CUSTOMER_NAMESPACES and entry.name:
            yield f"{namespace}:{entry.name}", prefix + str(entry.pattern)


def _concrete(route: str) -> str:
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_ARGS.get(m.group(1) or "str", "x"), route)
    return "/" + route.lstrip("^").rstrip("$")


CUSTOMER_URLS = sorted(set(_walk(get_resolver())))


def test_there_are_customer_urls_to_check():
    assert len(CUSTOMER_URLS) >= 5


@pytest.mark.parametrize("name, route", CUSTOMER_URLS, ids=[n for n, _ in CUSTOMER_URLS])
def test_anonymous_is_sent_to_login(name, route):
    if name in PUBLIC_URL_NAMES:
        pytest.skip("public page")
    client = Client()
    for method in (client.get, client.post):
        response = method(_concrete(route))
        assert response.status_code in (302, 405), (name, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), name


def _api_operations():
    from mcu_console.api import api

    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method in operations:
            yield method.upper(), path


API_OPERATIONS = sorted(set(_api_operations()))


@pytest.mark.parametrize("method, path", API_OPERATIONS, ids=[f"{m} {p}" for m, p in API_OPERATIONS])
def test_api_without_token_is_401_json(method, path):
    if path in PUBLIC_API_PATHS:
        pytest.skip("public")
    url = re.sub(r"\{[^}]+\}", "1", path)
    response = Client().generic(method, url, data="{}", content_type="application/json")
    assert response.status_code == 401, (method, path, response.status_code)
    assert response.json()["code"] == "unauthorized"
