import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_me(alice_api, org):
    body = alice_api.get("/api/v1/me").json()
    assert body["organization"]["legal_name"] == org.legal_name
    assert body["role"] == "admin"


@pytest.mark.parametrize("header", [None, "Bearer nope", "Bearer mcu_wrongwrongwrong", "Token abc"])
def test_bad_tokens_get_401_json(header):
    client = Client(HTTP_AUTHORIZATION=header) if header else Client()
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message", "details"}


def test_openapi_docs_render(client):
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "MemoryLake Compute API"
    assert client.get("/api/v1/docs").status_code == 200


def test_unknown_api_path_is_json_404(alice_api):
    response = alice_api.get("/api/v1/nothing-here")
    assert response.status_code == 404


def test_a_body_that_is_not_json_is_a_400_in_our_error_shape(alice_api):
    response = alice_api.post("/api/v1/orders", data="not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request" and "parse" in response.json()["message"]
