"""A real Celery worker on Redis: broker, task registry and settings work outside eager mode."""

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings

from mcu_console.celery import app as celery_app

pytestmark = pytest.mark.worker


def start_worker(queue: str, extra_env: dict | None = None) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mcu_console.settings", "REDIS_URL": settings.REDIS_URL}
    env.update(extra_env or {})
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
            queue,
            "-n",
            f"{queue}@%h",
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


@pytest.fixture
def redis_required():
    if not settings.REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must run the real-worker tests: set REDIS_URL")
        pytest.skip("REDIS_URL is not set")


def test_task_round_trip_through_a_real_worker(redis_required):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = start_worker(queue)
    try:
        result = celery_app.send_task("mcu_console.echo", args=["你好 MCU"], queue=queue)
        assert result.get(timeout=60) == "你好 MCU"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
