"""Contract versions and the signed copy (R-3.4 steps 1–2): new version on change before signing,
immutable after; uploads PDF/JPG/PNG ≤ 10 MB checked by content; the order moves on, audited."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEvent
from catalog.choices import SalesForm
from contracts.models import Contract
from contracts.services import contract_current, contract_record_signed
from mcu_console.exceptions import Conflict, InvalidInput
from orders.choices import OrderStatus
from orders.models import OrderStatusChange
from orders.uploads import MAX_UPLOAD_BYTES, sniff_type
from tests.contracts.helpers import make_order
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n" + b"0" * 200
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


@pytest.fixture
def sales(db):
    return make_staff("sales")


@pytest.fixture
def order(org):
    return make_order(org, lines=[(8, SalesForm.ANNUAL)])


def test_same_order_same_version_changed_order_new_version(order):
    first = contract_current(order=order)
    assert first.version == 1
    with first.pdf.open("rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == first.sha256
    assert contract_current(order=order).pk == first.pk
    line = order.lines.get()
    line.quantity, line.monthly_fee, line.term_value, line.amount_due = 16, 17280, 207360, 207360
    line.save()
    order.total = 207360
    order.save()
    second = contract_current(order=order)
    assert second.version == 2 and second.sha256 != first.sha256
    assert Contract.objects.filter(order=order).count() == 2
    assert AuditEvent.objects.filter(verb="contract.rendered", organization=order.organization).count() == 2


def test_signed_contract_is_immutable(order, sales):
    contract_record_signed(order=order, actor=sales, upload=SimpleUploadedFile("s.pdf", PDF))
    signed = Contract.objects.get(order=order, signed_at__isnull=False)
    order.organization.address = "changed after signing"
    order.organization.save()
    again = contract_current(order=order)
    assert (again.pk, again.sha256, again.version) == (signed.pk, signed.sha256, 1)


@pytest.mark.parametrize(
    "name, data, kind", [("scan.pdf", PDF, "pdf"), ("photo.JPG", JPG, "jpg"), ("x.png", PNG, "png")]
)
def test_record_signed_copy_moves_the_order_to_pending_payment(order, sales, name, data, kind):
    contract = contract_record_signed(order=order, actor=sales, upload=SimpleUploadedFile(name, data))
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert contract.signed_at and contract.signed_recorded_by == sales
    assert contract.signed_copy.name.endswith(f".{kind}")
    assert contract.signed_copy_sha256 == hashlib.sha256(data).hexdigest()
    change = OrderStatusChange.objects.get(order=order, to_status=OrderStatus.PENDING_PAYMENT)
    assert change.actor == sales and contract.number in change.reason
    assert AuditEvent.objects.filter(verb="contract.signed_recorded", actor=sales).exists()


def test_record_signed_without_a_scan_is_allowed(order, sales):
    contract = contract_record_signed(order=order, actor=sales)
    assert contract.is_signed and not contract.signed_copy


def test_recording_twice_is_refused(order, sales):
    contract_record_signed(order=order, actor=sales)
    with pytest.raises(Conflict):
        contract_record_signed(order=order, actor=sales)
    assert OrderStatusChange.objects.filter(order=order, to_status=OrderStatus.PENDING_PAYMENT).count() == 1


@pytest.mark.parametrize("status", [OrderStatus.CANCELLED, OrderStatus.EXPIRED, OrderStatus.COMPLETED])
def test_closed_orders_cannot_be_signed(org, sales, status):
    order = make_order(org, status=status)
    with pytest.raises(Conflict):
        contract_record_signed(order=order, actor=sales)


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("contract.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100, "wrong_type"),  # an .exe named .pdf
        ("contract.png", b"<html><script>alert(1)</script>", "wrong_type"),
        ("contract.pdf", b"", "empty"),
        ("contract.pdf", b"%PDF-1.7\n" + b"0" * MAX_UPLOAD_BYTES, "too_large"),  # 10 MB + 9 bytes
    ],
)
def test_bad_uploads_are_refused_and_nothing_changes(order, sales, name, data, reason):
    with pytest.raises(InvalidInput) as exc:
        contract_record_signed(order=order, actor=sales, upload=SimpleUploadedFile(name, data))
    assert exc.value.details == {"signed_copy": reason}
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_SIGNATURE
    assert not Contract.objects.filter(signed_at__isnull=False).exists()


def test_exactly_10_mb_is_accepted(order, sales):
    data = b"%PDF-1.7\n" + b"0" * (MAX_UPLOAD_BYTES - 9)
    assert len(data) == MAX_UPLOAD_BYTES
    assert contract_record_signed(
        order=order, actor=sales, upload=SimpleUploadedFile("big.pdf", data)
    ).is_signed


def test_sniff_type():
    assert [sniff_type(PDF), sniff_type(JPG), sniff_type(PNG)] == ["pdf", "jpg", "png"]
    assert sniff_type(b"GIF89a") is None and sniff_type(b"") is None


def test_new_orders_get_their_contract_rendered_and_announced_once(
    org, alice, mailoutbox, django_capture_on_commit_callbacks
):
    from contracts.models import Notification
    from contracts.tasks import prepare_new_contracts

    waiting = make_order(org, lines=[(4, SalesForm.MONTHLY)])
    closed = make_order(org, status=OrderStatus.CANCELLED)
    with django_capture_on_commit_callbacks(execute=True):
        assert prepare_new_contracts.delay().get() == 1
    assert Contract.objects.filter(order=waiting, version=1).exists()
    assert not Contract.objects.filter(order=closed).exists()
    note = Notification.objects.get(order=waiting, kind="contract_ready")
    assert note.organization == org and waiting.number in note.title
    assert len(mailoutbox) == 1 and alice.email in mailoutbox[0].to
    with django_capture_on_commit_callbacks(execute=True):
        assert prepare_new_contracts.delay().get() == 0  # nothing new: nothing rendered, nobody mailed twice
    assert Contract.objects.filter(order=waiting).count() == 1 and len(mailoutbox) == 1
