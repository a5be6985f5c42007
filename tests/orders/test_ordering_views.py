"""Console pages of ordering: access (anonymous / other tenant / owner), configurator, quote, placement."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from accounts.choices import Role
from orders.choices import OrderStatus
from orders.models import Order
from orders.services import order_place
from scheduler.models import Hold
from tests.factories import make_user
from tests.orders.ordering import HARDWARE_WORDS, line


def _form(*lines, action="place"):
    data = {"lines": str(len(lines)), "action": action}
    for i, ln in enumerate(lines):
        for key, value in ln.items():
            data[f"line-{i}-{key}"] = "" if value is None else str(value)
    return data


def _text(response) -> str:
    return response.content.decode()


@pytest.fixture
def order(regions, org, alice):
    return order_place(organization=org, lines=[line(quantity=8)], actor=alice)


@pytest.mark.parametrize("name", ["orders:list", "orders:configure"])
def test_pages_need_login(client, regions, name):
    from django.urls import reverse

    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_order_detail_access(order, alice_client, bob_client, client):
    url = f"/orders/{order.pk}/"
    assert client.get(url).status_code == 302
    assert bob_client.get(url).status_code == 404  # another tenant: not found
    assert bob_client.post(f"/orders/{order.pk}/cancel/").status_code == 404
    response = alice_client.get(url)
    assert response.status_code == 200
    body = _text(response)
    assert order.number in body and "¥103,680.00" in body
    for word in HARDWARE_WORDS:
        assert word not in body


def test_list_shows_only_own_orders(order, regions, other_org, bob, alice_client):
    theirs = order_place(organization=other_org, lines=[line(quantity=4)], actor=bob)
    body = _text(alice_client.get("/orders/"))
    assert order.number in body and theirs.number not in body


def test_configure_prefills_from_a_package_and_quotes_on_the_server(regions, alice_client):
    response = alice_client.get("/orders/new/?package=finetune")
    body = _text(response)
    assert response.status_code == 200
    assert 'name="line-0-quantity" value="8"' in body
    assert "¥103,680.00" in body  # 8 × 1,080 × 12


def test_quote_partial_prices_two_regions(regions, alice_client):
    data = _form(line("cn-east-hz", 8, "tightly_coupled"), line("cn-north-bj", 4, "normal"))
    response = alice_client.post("/orders/quote/", data, HTTP_HX_REQUEST="true")
    body = _text(response)
    assert response.status_code == 200
    assert body.lstrip().startswith('<section class="panel quote" id="quote"')  # the partial only
    assert "¥155,520.00" in body and "¥12,960.00" in body and "¥146,716.98" in body and "¥8,803.02" in body
    assert "1500" in body  # 12 MCU × 125 TFLOPS


def test_quote_partial_shows_errors_and_hints(regions, alice_client):
    body = _text(alice_client.post("/orders/quote/", _form(line(quantity=0))))
    assert 'id="quote-errors"' in body
    body = _text(alice_client.post("/orders/quote/", _form(line(quantity=6, domain_kind="normal"))))
    assert "8" in re.search(r'class="hint">([^<]*)<', body).group(1)


def test_add_and_remove_lines_without_javascript(regions, alice_client):
    body = _text(alice_client.post("/orders/new/", _form(line(quantity=4), action="add")))
    assert 'name="lines" value="2"' in body
    assert 'name="line-1-region"' in body
    body = _text(
        alice_client.post("/orders/new/", _form(line(quantity=4), line("cn-north-bj", 4), action="remove-0"))
    )
    assert 'name="lines" value="1"' in body
    assert re.search(r'<option value="cn-north-bj" selected>', body)


def test_place_order_from_the_console(regions, org, alice_client):
    data = _form(line("cn-east-hz", 8, "tightly_coupled"), line("cn-north-bj", 4, "normal"))
    data["line-0-unit_price"] = "1"  # a tampered price is not a field: ignored
    data["organization"] = "999"  # nor is the organization
    response = alice_client.post("/orders/new/", data)
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.pk}/"
    assert order.organization == org and order.total == Decimal("155520.00")
    assert order.status == OrderStatus.PENDING_SIGNATURE
    assert Hold.objects.filter(released_at__isnull=True).count() == 2
    page = _text(alice_client.get(response["Location"]))
    assert order.number in page


def test_enter_in_a_field_refreshes_instead_of_ordering(regions, alice_client):
    response = alice_client.post("/orders/new/", _form(line(quantity=4), action="refresh"))
    assert response.status_code == 200 and Order.objects.count() == 0


def test_console_bad_input_and_sold_out_are_form_errors(regions, alice_client):
    alice_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = alice_client.post("/orders/new/", _form(line(quantity=-1)))
    assert response.status_code == 422 and Order.objects.count() == 0
    response = alice_client.post(
        "/orders/new/", _form(line("cn-north-bj", 4, sales_form="monthly", term_months=99))
    )
    assert response.status_code == 422 and 'class="errorlist"' in _text(response)
    response = alice_client.post("/orders/new/", _form(line("cn-north-bj", 9, "normal")))  # Beijing normal: 8
    assert response.status_code == 409
    assert "not enough capacity" in _text(response)
    assert Order.objects.count() == 0 and not Hold.objects.exists()


def test_viewer_can_quote_but_not_order(regions, org):
    viewer = make_user(org, role=Role.VIEWER)
    client = Client()
    client.force_login(viewer)
    assert client.get("/orders/new/").status_code == 200
    assert client.post("/orders/new/", _form(line(quantity=4))).status_code == 403
    assert Order.objects.count() == 0


def test_customer_cancels_before_payment(order, alice_client):
    response = alice_client.post(f"/orders/{order.pk}/cancel/")
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert not Hold.objects.filter(released_at__isnull=True).exists()
    response = alice_client.post(f"/orders/{order.pk}/cancel/", follow=True)
    assert response.status_code == 200  # a second cancel is a message, not an error page


def test_detail_query_count_does_not_grow_with_lines(
    regions, org, alice, alice_client, django_assert_max_num_queries
):
    order = order_place(
        organization=org,
        lines=[line("cn-east-hz", 4, "normal"), line("cn-north-bj", 2, "normal")] * 3,
        actor=alice,
    )
    with django_assert_max_num_queries(25):
        assert alice_client.get(f"/orders/{order.pk}/").status_code == 200


def test_list_query_count_does_not_grow_with_orders(
    regions, org, alice, alice_client, django_assert_max_num_queries
):
    for _ in range(2):
        order_place(organization=org, lines=[line(quantity=4), line("cn-north-bj", 2, "normal")], actor=alice)
    with django_assert_max_num_queries(12) as few:
        assert alice_client.get("/orders/").status_code == 200
    for _ in range(4):
        order_place(organization=org, lines=[line(quantity=4), line("cn-north-bj", 1, "normal")], actor=alice)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = alice_client.get("/orders/").content.decode()
    assert body.count('href="/orders/') >= 6


def test_expired_order_timeline_ends_in_expired(order, alice_client):
    from orders.services import order_transition

    order_transition(order=order, to_status=OrderStatus.EXPIRED, reason="capacity hold expired")
    body = _text(alice_client.get(f"/orders/{order.pk}/"))
    assert body.count('<li class="') == 2  # placed (done) → expired (current); no future steps
    assert 'id="cancel-order"' not in body
