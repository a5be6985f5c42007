"""A real Celery worker on Redis: broker, task registry and settings work outside eager mode."""

import uuid

import pytest

from mcu_console.celery import app as celery_app
from tests.reliability.conftest import start_worker

pytestmark = pytest.mark.worker


def test_task_round_trip_through_a_real_worker(redis_required):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = start_worker(queue)
    try:
        result = celery_app.send_task("mcu_console.echo", args=["你好 MCU"], queue=queue)
        assert result.get(timeout=60) == "你好 MCU"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
