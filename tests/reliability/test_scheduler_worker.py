"""The simulation tick on a real Celery worker (Redis broker, PostgreSQL): applied once, never twice."""

import datetime as dt
import time
import uuid

import pytest
from django.utils import timezone

from catalog.choices import DomainKind
from mcu_console.celery import app as celery_app
from scheduler import services, simulation
from scheduler.models import Mcu, SimulationClock, Transition
from tests.factories import make_org
from tests.reliability.conftest import start_worker
from tests.scheduler.conftest import build_pool

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_region_tick_on_a_real_worker_applies_once(shared_database):
    pool = build_pool()
    allocation = services.mcus_allocate(
        organization=make_org(),
        region=pool.region,
        domain_kind=DomainKind.NORMAL,
        quantity=4,
        reference="w",
        now=timezone.now() - dt.timedelta(minutes=10),
    )
    tick = simulation.tick_number(timezone.now())
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = start_worker(queue, share_database=True)
    key = f"region:{pool.region.pk}"
    try:
        for _ in range(2):  # the same tick delivered twice
            celery_app.send_task("scheduler.region_tick", args=[pool.region.pk, tick], queue=queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            clock = SimulationClock.objects.filter(key=key).first()
            if (
                clock
                and clock.tick == tick
                and not Mcu.objects.filter(allocation=allocation, status="provisioning").exists()
            ):
                break
            time.sleep(0.5)
        time.sleep(2)  # give the duplicate time to arrive and be refused
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert SimulationClock.objects.get(key=key).tick == tick
    # provisioning → normal happened exactly once per MCU despite the duplicate delivery
    assert Transition.objects.filter(mcu__allocation=allocation, to_status="normal").count() == 4
