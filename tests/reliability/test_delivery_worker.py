"""A real Celery worker delivers a confirmed order (issue 5): the task queued on commit and two more
copies of it (a retry, a second worker's message) deliver the MCUs exactly once (DESIGN I-7)."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection

from catalog.choices import DomainKind, SalesForm
from mcu_console.celery import app as celery_app
from mcu_console.timeutil import local_today
from orders.choices import DeliveryStatus, OrderStatus
from orders.models import ResourcePool
from orders.payments import payment_confirm, transfer_record
from scheduler.models import Mcu
from tests.contracts.helpers import hold_lines, make_order, make_pool, region
from tests.factories import make_staff

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def worker_database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(queues: str, name: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mcu_console.settings",
        "REDIS_URL": settings.REDIS_URL,
        "DATABASE_URL": worker_database_url(),  # the worker sees the test database
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mcu_console",
            "worker",
            "-P",
            "solo",
            "-Q",
            queues,
            "-n",
            f"{name}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "WARNING",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_a_real_worker_delivers_once(org):
    if not settings.REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must run the real-worker tests: set REDIS_URL")
        pytest.skip("REDIS_URL is not set")
    if connection.vendor != "postgresql":
        pytest.skip("a worker process needs a database it can share: PostgreSQL")
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
    worker = start_worker(f"{queue},{celery_app.conf.task_default_queue}", queue)
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
