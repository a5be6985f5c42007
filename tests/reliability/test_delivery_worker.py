"""A real Celery worker delivers a confirmed order (issue 5): the task queued on commit and two more
copies of it (a retry, a second worker's message) deliver the MCUs exactly once (DESIGN I-7)."""

import time
import uuid

import pytest

from catalog.choices import DomainKind, SalesForm
from mcu_console.celery import app as celery_app
from mcu_console.timeutil import local_today
from orders.choices import DeliveryStatus, OrderStatus
from orders.models import ResourcePool
from orders.payments import payment_confirm, transfer_record
from scheduler.models import Mcu
from tests.contracts.helpers import hold_lines, make_order, make_pool, region
from tests.factories import make_staff
from tests.reliability.conftest import start_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_delivers_once(org, shared_database):
    make_pool(region("cn-hangzhou"), kind=DomainKind.TIGHTLY_COUPLED, nodes=2, slots=8)
    sales = make_staff("sales")
    order = make_order(org, lines=[(16, SalesForm.ANNUAL)], status=OrderStatus.PENDING_PAYMENT)
    order.lines.update(domain_kind=DomainKind.TIGHTLY_COUPLED)
    hold_lines(order)
    transfer_record(
        order=order,
        amount=order.total,
        payer_name=org.legal_name,
        bank_reference="W-1",
        received_on=local_today(),
        actor=sales,
    )
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = start_worker(f"{queue},{celery_app.conf.task_default_queue}", queue, share_database=True)
    try:
        payment_confirm(order=order, actor=sales)  # queues the delivery on commit (default queue)
        for _ in range(2):  # a retried message and a duplicate from a second worker
            celery_app.send_task("orders.deliver_order", args=[order.pk], queue=queue)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            order.refresh_from_db()
            if order.delivery_status == DeliveryStatus.DELIVERED:
                break
            time.sleep(0.5)
        assert order.delivery_status == DeliveryStatus.DELIVERED, worker.stderr and "no delivery within 90 s"
        result = celery_app.send_task("orders.deliver_order", args=[order.pk], queue=queue)
        assert result.get(timeout=60) == DeliveryStatus.DELIVERED
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert order.status == OrderStatus.COMPLETED
    assert Mcu.objects.filter(organization=org).count() == 16
    assert ResourcePool.objects.filter(order_line__order=order).count() == 1
