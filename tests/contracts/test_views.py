"""Contract download (console, API), next-step box, notifications: no tenant crossing (R-4.5)."""

import pytest
from django.urls import reverse

from catalog.choices import SalesForm
from contracts.models import Contract, Notification
from mcu_console.timeutil import local_today
from orders import notifications
from orders.choices import DeliveryStatus, OrderStatus
from orders.payments import transfer_record
from tests.contracts.helpers import make_order
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

HARDWARE_WORDS = ("GPU 型号", "node", "节点", "test-profile", "gpu_model")


@pytest.fixture
def order(org, alice):
    return make_order(org, lines=[(8, SalesForm.ANNUAL)], user=alice)


def test_console_download_anonymous_other_tenant_owner(client, bob_client, alice_client, order):
    url = reverse("contracts:download", args=[order.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert bob_client.get(url).status_code == 404
    assert not Contract.objects.exists()  # nothing was rendered for a stranger
    response = alice_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-")
    contract = Contract.objects.get(order=order)
    assert response["X-Content-SHA256"] == contract.sha256
    assert f"{contract.number}-v1.pdf" in response["Content-Disposition"]


def test_api_download_anonymous_other_tenant_owner(client, bob_api, alice_api, order):
    url = f"/api/v1/orders/{order.pk}/contract.pdf"
    response = client.get(url)
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"
    response = bob_api.get(url)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    response = alice_api.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert alice_api.get("/api/v1/orders/999999/contract.pdf").status_code == 404


def test_next_step_box_at_every_state(client, bob_client, alice_client, order, org):
    url = reverse("contracts:next_step", args=[order.pk])
    assert client.get(url).status_code == 302
    assert bob_client.get(url).status_code == 404
    page = alice_client.get(url).content.decode()
    assert reverse("contracts:download", args=[order.pk]) in page and 'id="download-contract"' in page

    order.status = OrderStatus.PENDING_PAYMENT
    order.save()
    sales = make_staff("sales")
    transfer_record(
        order=order,
        amount="3680.00",
        payer_name=org.legal_name,
        bank_reference="X-1",
        received_on=local_today(),
        actor=sales,
    )
    page = alice_client.get(url).content.decode()
    assert "¥100,000.00" in page  # 103,680 − 3,680 still to transfer
    assert "杭州质变科技有限公司" in page and order.number in page
    assert "5719 0123 4567 8901" in page
    assert 'id="payment-received"' not in page

    transfer_record(
        order=order,
        amount="100000.00",
        payer_name=org.legal_name,
        bank_reference="X-2",
        received_on=local_today(),
        actor=sales,
    )
    page = alice_client.get(url).content.decode()
    # Paid in full, not yet confirmed: no transfer instructions for ¥0.00, just "sales is confirming".
    assert 'id="payment-received"' in page and 'id="payment-instructions"' not in page
    assert "¥103,680.00" in page

    order.status, order.delivery_status = OrderStatus.COMPLETED, DeliveryStatus.DELIVERING
    order.save()
    page = alice_client.get(url).content.decode()
    assert 'hx-trigger="every 3s"' in page

    order.delivery_status = DeliveryStatus.DELIVERED
    order.save()
    page = alice_client.get(url).content.decode()
    assert "hx-trigger" not in page and 'id="go-to-assets"' in page
    for word in HARDWARE_WORDS:
        assert word not in page


def test_notifications_are_per_tenant_and_sent_by_email(
    alice_client, bob_client, order, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notifications.contract_ready(order)
        notifications.contract_ready(order)  # once per order and moment
    assert Notification.objects.filter(order=order).count() == 1
    assert len(mailoutbox) == 1 and "alice@example.com" in mailoutbox[0].to
    assert order.number in mailoutbox[0].subject
    url = reverse("contracts:notifications")
    assert order.number in alice_client.get(url).content.decode()
    assert order.number not in bob_client.get(url).content.decode()
    assert Notification.objects.get(order=order).read_at is not None


def test_notification_list_reads_in_a_fixed_number_of_queries(alice_client, org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(n_orders):
        for _ in range(n_orders):
            notifications.payment_confirmed(make_order(org))
        with CaptureQueriesContext(connection) as ctx:
            assert alice_client.get(reverse("contracts:notifications")).status_code == 200
        return len(ctx.captured_queries)

    assert count(1) == count(10)
