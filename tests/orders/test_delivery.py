"""Delivery (SPEC R-3.4 step 4, DESIGN I-7): holds become MCUs and resource pools, exactly once;
lost capacity leaves the order delivering, alerted and retried — never dropped."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from catalog.choices import DomainKind, SalesForm
from contracts.models import Notification
from mcu_console.exceptions import Conflict
from mcu_console.timeutil import local_today
from orders.choices import DeliveryStatus, OrderStatus
from orders.delivery import DeliveryIncomplete, add_months, order_deliver, term_end
from orders.models import ResourcePool
from orders.payments import payment_confirm, transfer_record
from orders.tasks import deliver_order, deliver_pending
from scheduler.choices import NodeStatus
from scheduler.models import Alert, Hold, Mcu, Node
from tests.contracts.helpers import hold_lines, make_order, make_pool, region
from tests.factories import make_staff


def test_term_end_hand_computed():
    assert term_end(dt.date(2026, 12, 5), 12) == dt.date(2027, 12, 4)
    assert term_end(dt.date(2027, 1, 1), 12) == dt.date(2027, 12, 31)
    assert term_end(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 27)  # 31 Jan + 1 month = 28 Feb
    assert term_end(dt.date(2028, 2, 29), 12) == dt.date(2029, 2, 27)
    assert term_end(dt.date(2026, 12, 5), None) is None


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)), st.integers(1, 60))
def test_term_end_is_before_the_same_day_term_months_later(day, months):
    end = term_end(day, months)
    assert day <= end < add_months(day, months)
    assert (end.year - day.year) * 12 + end.month - day.month in (months - 1, months)


def paid(org, lines, sales):
    order = hold_lines(make_order(org, lines=lines, status=OrderStatus.PENDING_PAYMENT))
    transfer_record(
        order=order,
        amount=order.total,
        payer_name=org.legal_name,
        bank_reference=f"R-{order.pk}",
        received_on=local_today(),
        actor=sales,
    )
    return payment_confirm(order=order, actor=sales)


@pytest.fixture
def sales(db):
    return make_staff("sales")


@pytest.fixture
def pools(db):
    hz, bj = region("cn-hangzhou"), region("cn-beijing")
    return {
        "hz_tc": make_pool(hz, kind=DomainKind.TIGHTLY_COUPLED, nodes=4, slots=8),
        "hz_n": make_pool(hz, kind=DomainKind.NORMAL, nodes=2, slots=8),
        "bj_n": make_pool(bj, kind=DomainKind.NORMAL, nodes=2, slots=8),
    }


@pytest.mark.django_db
def test_confirm_delivers_mcus_and_pools_on_commit(org, sales, pools, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = paid(org, [(8, SalesForm.ANNUAL, "cn-hangzhou"), (4, SalesForm.MONTHLY, "cn-beijing")], sales)
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert order.delivery_status == DeliveryStatus.DELIVERED and order.delivered_at
    assert Mcu.objects.filter(organization=org).count() == 12
    assert not Hold.objects.filter(reference__startswith="order-line:", converted_at__isnull=True).exists()
    annual = ResourcePool.objects.get(organization=org, sales_form=SalesForm.ANNUAL)
    today = local_today()
    assert (annual.quantity, annual.region.code, annual.starts_on) == (8, "cn-hangzhou", today)
    assert annual.ends_on == add_months(today, 12) - dt.timedelta(days=1)
    assert annual.unit_price == Decimal("1080.00")
    assert annual.allocation_reference == annual.order_line.hold_reference
    monthly = ResourcePool.objects.get(organization=org, sales_form=SalesForm.MONTHLY)
    assert monthly.ends_on == add_months(today, 1) - dt.timedelta(days=1)
    assert Notification.objects.filter(order=order, kind="mcus_delivered").count() == 1


@pytest.mark.django_db
def test_delivering_again_changes_nothing(org, sales, pools):
    order = paid(org, [(8, SalesForm.ANNUAL, "cn-hangzhou")], sales)
    order_deliver(order_id=order.pk)
    before = (Mcu.objects.count(), ResourcePool.objects.count(), Notification.objects.count())
    order_deliver(order_id=order.pk)
    assert deliver_order.delay(order.pk).get() == DeliveryStatus.DELIVERED
    assert (
        (Mcu.objects.count(), ResourcePool.objects.count(), Notification.objects.count())
        == before
        == (8, 1, 2)
    )


@pytest.mark.django_db
def test_pay_as_you_go_opens_an_account_with_the_deposit_and_allocates_nothing(org, sales, pools):
    order = paid(org, [(16, SalesForm.PAYG, "cn-hangzhou", Decimal("20000.00"))], sales)
    order_deliver(order_id=order.pk)
    pool = ResourcePool.objects.get(order_line__order=order)
    assert (pool.quantity, pool.deposit, pool.unit_price, pool.ends_on) == (
        16,
        Decimal("20000.00"),
        Decimal("2.20"),
        None,
    )
    assert not Mcu.objects.filter(organization=org).exists()
    note = Notification.objects.get(order=order, kind="mcus_delivered")
    assert "¥20,000.00" in note.body and "16" in note.body and "0 MCU" not in note.body


@pytest.mark.django_db
def test_unpaid_order_is_not_delivered(org):
    order = make_order(org, status=OrderStatus.PENDING_PAYMENT)
    with pytest.raises(Conflict):
        order_deliver(order_id=order.pk)
    assert not ResourcePool.objects.exists()


@pytest.mark.django_db
def test_lost_capacity_keeps_the_order_delivering_alerts_ops_and_recovers(org, sales, pools):
    order = paid(org, [(4, SalesForm.ANNUAL, "cn-beijing"), (16, SalesForm.ANNUAL, "cn-hangzhou")], sales)
    # Hangzhou's normal and tightly-coupled nodes fail after the hold was placed: capacity is gone.
    hz_nodes = Node.objects.filter(domain__region__code="cn-hangzhou")
    hz_nodes.update(status=NodeStatus.FAILED)
    with pytest.raises(DeliveryIncomplete):
        order_deliver(order_id=order.pk)
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert order.delivery_status == DeliveryStatus.DELIVERING
    assert "16 MCU" in order.delivery_error
    alert = Alert.objects.get(key=f"order-delivery:{order.pk}", resolved_at__isnull=True)
    assert order.number in alert.message and alert.severity == "critical"
    # The Beijing line was delivered; it is not delivered again on retry.
    assert ResourcePool.objects.filter(order_line__order=order).count() == 1
    # The eager task does not spin; the sweeper finds the order again.
    assert deliver_order.delay(order.pk).get() == DeliveryStatus.DELIVERING
    hz_nodes.update(status=NodeStatus.HEALTHY)
    assert deliver_pending.delay().get() == 1
    order.refresh_from_db()
    assert order.delivery_status == DeliveryStatus.DELIVERED and order.delivery_error == ""
    assert Mcu.objects.filter(organization=org).count() == 20
    assert ResourcePool.objects.filter(order_line__order=order).count() == 2
    alert.refresh_from_db()
    assert alert.resolved_at is not None
    assert deliver_pending.delay().get() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_and_deliveries_deliver_once(org, pools):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    sales = make_staff("sales")
    order = hold_lines(
        make_order(org, lines=[(8, SalesForm.ANNUAL, "cn-hangzhou")], status=OrderStatus.PENDING_PAYMENT)
    )
    transfer_record(
        order=order,
        amount=order.total,
        payer_name=org.legal_name,
        bank_reference="C-1",
        received_on=local_today(),
        actor=sales,
    )
    barrier = threading.Barrier(4)
    outcomes = []

    def confirm_and_deliver():
        try:
            barrier.wait()
            try:
                payment_confirm(order=order, actor=sales)  # queues eager delivery on commit
                outcomes.append("confirmed")
            except Conflict:
                outcomes.append("refused")
            order_deliver(order_id=order.pk)  # a second worker / a retried task
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=confirm_and_deliver) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["confirmed", "refused", "refused", "refused"]
    order.refresh_from_db()
    assert order.delivery_status == DeliveryStatus.DELIVERED
    assert Mcu.objects.filter(organization=org).count() == 8
    assert ResourcePool.objects.filter(order_line__order=order).count() == 1
    assert Notification.objects.filter(order=order).count() == 2
