"""The sales admin (R-3.4, §7): order queue, signed contract, transfers, confirm, extend hold."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from catalog.choices import DomainKind, SalesForm
from mcu_console.timeutil import local_today
from orders.choices import DeliveryStatus, OrderStatus
from orders.models import BankTransfer
from scheduler.models import Mcu
from tests.contracts.helpers import hold_lines, make_order, make_pool, region
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


def staff_client(group):
    user = make_staff(group)
    client = Client()
    client.force_login(user)
    return client, user


@pytest.fixture
def order(org):
    make_pool(region("cn-hangzhou"), kind=DomainKind.NORMAL, nodes=2, slots=8)
    return hold_lines(make_order(org, lines=[(8, SalesForm.ANNUAL)]))


def test_order_queue_by_status(order, org):
    client, _ = staff_client("sales")
    make_order(org, status=OrderStatus.PENDING_PAYMENT)
    page = client.get(reverse("admin:orders_order_changelist") + "?status__exact=pending_signature")
    assert page.status_code == 200
    html = page.content.decode()
    assert order.number in html and "¥103,680.00" in html
    change = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert reverse("admin:orders_order_signed", args=[order.pk]) in change
    assert reverse("admin:orders_order_transfer", args=[order.pk]) in change
    assert reverse("admin:orders_order_confirm", args=[order.pk]) not in change  # not signed yet


def test_whole_sales_flow_in_the_admin(order, org, django_capture_on_commit_callbacks):
    client, sales = staff_client("sales")
    # A disguised executable is refused with a form error; nothing changes.
    fake = SimpleUploadedFile("signed.pdf", b"MZ\x90\x00" + b"\x00" * 100, content_type="application/pdf")
    response = client.post(reverse("admin:orders_order_signed", args=[order.pk]), {"signed_copy": fake})
    assert response.status_code == 200 and "PDF" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_SIGNATURE

    scan = SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n" + b"1" * 500, content_type="application/pdf")
    response = client.post(reverse("admin:orders_order_signed", args=[order.pk]), {"signed_copy": scan})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT

    transfer_url = reverse("admin:orders_order_transfer", args=[order.pk])
    base = {"payer_name": org.legal_name, "received_on": local_today().isoformat()}
    assert (
        client.post(transfer_url, {**base, "amount": "60000", "bank_reference": "ICBC-1"}).status_code == 302
    )
    # Confirming before the money covers the total: an error on the page, still pending payment.
    response = client.post(reverse("admin:orders_order_confirm", args=[order.pk]), {})
    assert response.status_code == 200 and "¥43,680.00" in response.content.decode()
    # The same bank reference twice is refused on its field.
    response = client.post(transfer_url, {**base, "amount": "43680", "bank_reference": "ICBC-1"})
    assert response.status_code == 200 and BankTransfer.objects.count() == 1
    assert (
        client.post(transfer_url, {**base, "amount": "43680", "bank_reference": "ICBC-2"}).status_code == 302
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:orders_order_confirm", args=[order.pk]), {})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert order.delivery_status == DeliveryStatus.DELIVERED
    assert Mcu.objects.filter(organization=org).count() == 8
    verbs = list(AuditEvent.objects.filter(actor=sales).values_list("verb", flat=True))
    assert verbs.count("order.transfer_recorded") == 2
    assert {"contract.signed_recorded", "order.payment_confirmed"} <= set(verbs)


def test_only_sales_reaches_confirm(order, org, alice_client):
    order.status = OrderStatus.PENDING_PAYMENT
    order.save()
    url = reverse("admin:orders_order_confirm", args=[order.pk])
    finance, _ = staff_client("finance")
    assert finance.post(url, {}).status_code == 403
    assert alice_client.get(url).status_code == 302  # customers are sent to the admin login
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_bulk_confirm_reports_refusals_as_messages(order, org):
    client, _ = staff_client("sales")
    response = client.post(
        reverse("admin:orders_order_changelist"),
        {"action": "confirm_selected", "_selected_action": [order.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "签署" in response.content.decode() or "signed" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_SIGNATURE


def test_extend_hold(order):
    client, _ = staff_client("sales")
    before = order.hold_expires_at
    response = client.post(reverse("admin:orders_order_extend_hold", args=[order.pk]), {"days": "5"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.hold_expires_at - before).days == 5
    response = client.post(reverse("admin:orders_order_extend_hold", args=[order.pk]), {"days": "99"})
    assert response.status_code == 200  # form error, nothing changed
    assert Decimal(1) and order.hold_expires_at == type(order).objects.get(pk=order.pk).hold_expires_at


def test_uploaded_files_are_served_to_permitted_staff_only(order, org, alice_client):
    from django.core.files.uploadedfile import SimpleUploadedFile as Upload

    from contracts.models import Contract
    from contracts.services import contract_record_signed
    from orders.payments import transfer_record

    sales_client, sales = staff_client("sales")
    contract_record_signed(order=order, actor=sales, upload=Upload("s.pdf", b"%PDF-1.4\n" + b"9" * 99))
    transfer = transfer_record(
        order=order,
        amount="1.00",
        payer_name=org.legal_name,
        bank_reference="F-1",
        received_on=local_today(),
        actor=sales,
        receipt=Upload("r.png", b"\x89PNG\r\n\x1a\n1"),
    )
    contract = Contract.objects.get(order=order)
    urls = [
        reverse("admin:contracts_contract_file", args=[contract.pk, "pdf"]),
        reverse("admin:contracts_contract_file", args=[contract.pk, "signed"]),
        reverse("admin:orders_order_receipt", args=[order.pk, transfer.pk]),
    ]
    ops_client, _ = staff_client("ops")
    for url in urls:
        assert alice_client.get(url).status_code == 302  # customers: to the admin login
        assert ops_client.get(url).status_code == 403
        response = sales_client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content)[:4] in (b"%PDF", b"\x89PNG")
    change = sales_client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert "/media/" not in change and urls[0] in change and urls[2] in change
