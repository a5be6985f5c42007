"""The ordering API (issue 4 §6): same services as the console, JSON errors with the right 4xx."""

import json

import pytest

from accounts.choices import Role
from accounts.services import api_token_create
from orders.choices import OrderStatus
from orders.models import Order
from scheduler.models import Hold
from tests.factories import make_user
from tests.orders.ordering import HARDWARE_WORDS, line


def post(client, url, body, **headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


DONE_WHEN = {"lines": [line("cn-east-hz", 8, "tightly_coupled"), line("cn-north-bj", 4, "normal")]}


def test_quote(regions, alice_api):
    response = post(alice_api, "/api/v1/quotes", DONE_WHEN)
    assert response.status_code == 200
    data = response.json()
    assert (data["monthly_fee"], data["amount_due"], data["amount_before_tax"], data["vat"]) == (
        "12960.00",
        "155520.00",
        "146716.98",
        "8803.02",
    )
    assert data["promised_tflops"] == 1500 and data["orderable"] is True
    assert [r["amount_due"] for r in data["regions"]] == ["103680.00", "51840.00"]
    assert Order.objects.count() == 0  # a quote creates nothing


def test_place_list_show_cancel(regions, alice_api, bob_api):
    response = post(alice_api, "/api/v1/orders", DONE_WHEN)
    assert response.status_code == 201, response.json()
    order = response.json()
    assert order["status"] == "pending_signature" and order["total"] == "155520.00"
    assert [h["to_status"] for h in order["history"]] == ["pending_signature"]
    text = json.dumps(order)
    for word in HARDWARE_WORDS:
        assert word not in text
    assert [o["id"] for o in alice_api.get("/api/v1/orders").json()] == [order["id"]]
    assert bob_api.get("/api/v1/orders").json() == []
    assert bob_api.get(f"/api/v1/orders/{order['id']}").status_code == 404
    assert post(bob_api, f"/api/v1/orders/{order['id']}/cancel", {}).status_code == 404
    assert alice_api.get(f"/api/v1/orders/{order['id']}").json()["number"] == order["number"]
    cancelled = post(alice_api, f"/api/v1/orders/{order['id']}/cancel", {})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = post(alice_api, f"/api/v1/orders/{order['id']}/cancel", {})
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_idempotency_key(regions, alice_api):
    first = post(alice_api, "/api/v1/orders", DONE_WHEN, HTTP_IDEMPOTENCY_KEY="abc-1")
    second = post(alice_api, "/api/v1/orders", DONE_WHEN, HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"] and Order.objects.count() == 1
    other = post(alice_api, "/api/v1/orders", {"lines": [line(quantity=4)]}, HTTP_IDEMPOTENCY_KEY="abc-1")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"lines": []}, 422, "empty_order"),
        ({}, 422, "invalid_input"),
        ({"lines": [line(quantity=0)]}, 422, "invalid_input"),
        ({"lines": [line(quantity=2.5)]}, 422, "invalid_input"),
        ({"lines": [line(quantity="many")]}, 422, "invalid_input"),
        ({"lines": [line(quantity=10**7)]}, 422, "invalid_input"),
        ({"lines": [line(region="atlantis")]}, 422, "invalid_input"),
        ({"lines": [line(sales_form="rent")]}, 422, "invalid_input"),
        ({"lines": [line(term_months=7)]}, 422, "invalid_input"),
        ({"lines": [line(quantity=4, unit_price="0.01")]}, 422, "invalid_input"),
        ({"lines": [line(quantity=40)]}, 409, "insufficient_capacity"),  # > the 32 block, < 64
        ({"lines": [line("cn-north-bj", 9, "normal")]}, 409, "insufficient_capacity"),
    ],
)
def test_bad_orders_get_a_clear_4xx_and_nothing_is_held(regions, alice_api, body, status, code):
    response = post(alice_api, "/api/v1/orders", body)
    assert response.status_code == status, response.content
    data = response.json()
    assert data["code"] == code and data["message"] and "details" in data
    assert Order.objects.count() == 0 and not Hold.objects.exists()


def test_line_errors_name_the_line_and_field(regions, alice_api):
    data = post(alice_api, "/api/v1/quotes", {"lines": [line(quantity=4), line(quantity=-3)]}).json()
    assert data["details"]["lines"] == {"1": {"quantity": data["details"]["lines"]["1"]["quantity"]}}


def test_ordering_for_another_organization_is_refused(regions, alice_api, other_org):
    response = post(alice_api, "/api/v1/orders", {**DONE_WHEN, "organization": other_org.pk})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert Order.objects.count() == 0


def test_viewer_token_cannot_order(regions, org):
    viewer = make_user(org, role=Role.VIEWER)
    from django.test import Client

    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = (
        "Bearer " + api_token_create(membership=viewer.membership, name="v")[1]
    )
    assert post(client, "/api/v1/quotes", DONE_WHEN).status_code == 200
    assert post(client, "/api/v1/orders", DONE_WHEN).status_code == 403
    assert Order.objects.filter(status=OrderStatus.PENDING_SIGNATURE).count() == 0
