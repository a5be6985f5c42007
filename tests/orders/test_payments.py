"""Bank transfers and payment confirmation (SPEC R-3.4 steps 3–4): partial transfers add up, only sales
confirms, only signed and covered orders, payer-name override, every step audited."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import AuditEvent
from catalog.choices import SalesForm
from contracts.models import Notification
from mcu_console.exceptions import Conflict, InvalidInput, ServiceError
from mcu_console.timeutil import local_today
from orders.choices import DeliveryStatus, OrderStatus
from orders.models import BankTransfer, OrderStatusChange
from orders.payments import amount_outstanding, amount_received, payment_confirm, transfer_record
from tests.contracts.helpers import make_order
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def sales(db):
    return make_staff("sales")


@pytest.fixture
def order(org):
    # 8 MCU annual: 8 × 1,080 = 8,640 / month; 12 months = 103,680 due before delivery.
    return make_order(org, lines=[(8, SalesForm.ANNUAL)], status=OrderStatus.PENDING_PAYMENT)


def pay(order, amount, actor, ref, payer=None, **kw):
    return transfer_record(
        order=order,
        amount=amount,
        payer_name=payer or order.organization.legal_name,
        bank_reference=ref,
        received_on=local_today(),
        actor=actor,
        **kw,
    )


def test_partial_transfers_add_up_and_only_a_covered_order_can_be_confirmed(order, sales):
    assert order.total == Decimal("103680.00")
    pay(order, "50000.00", sales, "B-1")
    assert amount_received(order) == Decimal("50000.00")
    with pytest.raises(Conflict) as exc:
        payment_confirm(order=order, actor=sales)
    assert exc.value.code == "not_covered"
    assert "¥53,680.00" in exc.value.message
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    pay(order, Decimal("53679.99"), sales, "B-2")
    assert amount_outstanding(order) == Decimal("0.01")
    with pytest.raises(Conflict):
        payment_confirm(order=order, actor=sales)
    pay(order, "0.01", sales, "B-3")
    assert amount_received(order) == order.total
    confirmed = payment_confirm(order=order, actor=sales)
    assert confirmed.status == OrderStatus.COMPLETED
    assert confirmed.paid_at is not None
    assert confirmed.delivery_status == DeliveryStatus.DELIVERING
    change = OrderStatusChange.objects.get(order=order, to_status=OrderStatus.COMPLETED)
    assert change.actor == sales and change.from_status == OrderStatus.PENDING_PAYMENT
    verbs = set(AuditEvent.objects.filter(actor=sales).values_list("verb", flat=True))
    assert {"order.transfer_recorded", "order.payment_confirmed", "order.completed"} <= verbs
    assert Notification.objects.filter(order=order, kind="payment_confirmed").count() == 1


def test_confirm_refused_before_the_signed_contract_is_back(org, sales):
    order = make_order(org, lines=[(4, SalesForm.MONTHLY)])  # pending signature
    pay(order, order.total, sales, "B-9")
    with pytest.raises(Conflict) as exc:
        payment_confirm(order=order, actor=sales)
    assert exc.value.code == "not_signed"
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_SIGNATURE


@pytest.mark.parametrize("who", ["finance", "ops", "customer", "none"])
def test_only_sales_may_confirm(order, sales, alice, who):
    pay(order, order.total, sales, "B-1")
    actor = {"finance": make_staff("finance"), "ops": make_staff("ops"), "customer": alice, "none": None}[who]
    with pytest.raises(ServiceError) as exc:
        payment_confirm(order=order, actor=actor)
    assert exc.value.status == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_confirming_twice_confirms_once(order, sales):
    pay(order, order.total, sales, "B-1")
    payment_confirm(order=order, actor=sales)
    with pytest.raises(Conflict) as exc:
        payment_confirm(order=order, actor=sales)
    assert exc.value.code == "wrong_state"
    assert OrderStatusChange.objects.filter(order=order, to_status=OrderStatus.COMPLETED).count() == 1


def test_a_foreign_payer_needs_an_override_with_a_reason(order, sales):
    pay(order, order.total, sales, "B-1", payer="某某投资控股有限公司")
    with pytest.raises(InvalidInput) as exc:
        payment_confirm(order=order, actor=sales)
    assert exc.value.code == "payer_mismatch"
    assert "某某投资控股有限公司" in exc.value.message
    confirmed = payment_confirm(order=order, actor=sales, payer_override_reason="母公司代付，见付款委托书")
    assert confirmed.payer_override_reason == "母公司代付，见付款委托书"
    event = AuditEvent.objects.get(verb="order.payment_confirmed", object_id=str(order.pk))
    assert event.data["payers"] == ["某某投资控股有限公司"]


def test_payer_name_compare_ignores_spaces_and_bracket_width(org, sales):
    org.legal_name = "杭州示例（滨江）智能科技有限公司"
    org.save()
    order = make_order(org, lines=[(4, SalesForm.MONTHLY)], status=OrderStatus.PENDING_PAYMENT)
    pay(order, order.total, sales, "B-1", payer="杭州示例(滨江) 智能科技有限公司")
    assert payment_confirm(order=order, actor=sales).status == OrderStatus.COMPLETED


@pytest.mark.parametrize(
    "amount, field",
    [("0", "amount"), ("-5", "amount"), ("12.345", "amount"), ("abc", "amount"), (1.5, "amount")],
)
def test_bad_amounts_are_refused_with_a_field_error(order, sales, amount, field):
    with pytest.raises(InvalidInput) as exc:
        pay(order, amount, sales, "B-X")
    assert field in exc.value.details
    assert not BankTransfer.objects.exists()


def test_future_date_blank_fields_and_duplicate_reference_are_refused(order, sales):
    with pytest.raises(InvalidInput) as exc:
        transfer_record(
            order=order,
            amount="10",
            payer_name="",
            bank_reference=" ",
            received_on=local_today() + dt.timedelta(days=1),
            actor=sales,
        )
    assert set(exc.value.details) == {"payer_name", "bank_reference", "received_on"}
    pay(order, "10.00", sales, "DUP-1")
    with pytest.raises(Conflict) as exc:
        pay(order, "10.00", sales, "DUP-1")
    assert exc.value.code == "duplicate_reference"
    assert BankTransfer.objects.count() == 1


def test_no_transfer_for_a_closed_order(org, sales):
    order = make_order(org, status=OrderStatus.CANCELLED)
    with pytest.raises(Conflict):
        pay(order, "10", sales, "B-1")


def test_receipt_is_type_checked_by_content(order, sales):
    fake = SimpleUploadedFile("receipt.png", b"MZ\x90\x00 not an image", content_type="image/png")
    with pytest.raises(InvalidInput) as exc:
        pay(order, "10", sales, "B-1", receipt=fake)
    assert exc.value.details == {"receipt": "wrong_type"}
    ok = pay(order, "10", sales, "B-2", receipt=SimpleUploadedFile("r.png", PNG, content_type="image/png"))
    assert (
        ok.receipt.name.endswith(".png") and "r.png" not in ok.receipt.name
    )  # the client's name is not kept


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cents=st.lists(st.integers(min_value=1, max_value=600_000), min_size=1, max_size=6))
def test_received_is_the_exact_sum_and_confirms_iff_covered(org, sales, cents):
    order = make_order(org, lines=[(4, SalesForm.MONTHLY)], status=OrderStatus.PENDING_PAYMENT)
    for i, c in enumerate(cents):
        pay(order, Decimal(c) / 100, sales, f"P-{order.pk}-{i}")
    expected = sum(Decimal(c) for c in cents) / 100
    assert amount_received(order) == expected
    assert amount_outstanding(order) == max(order.total - expected, Decimal("0.00"))
    # Confirmation succeeds exactly when the parts cover the total (R-3.4 step 4).
    if expected >= order.total:
        assert payment_confirm(order=order, actor=sales).status == OrderStatus.COMPLETED
    else:
        with pytest.raises(Conflict):
            payment_confirm(order=order, actor=sales)
