"""Real Celery workers on Redis. Helpers shared by the reliability tests."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from mcu_console.celery import app as celery_app


@pytest.fixture(autouse=True)
def not_eager():
    """Reliability tests talk to a real broker: switch eager mode off for their duration."""
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


@pytest.fixture
def redis_required():
    if not settings.REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must run the real-worker tests: set REDIS_URL")
        pytest.skip("REDIS_URL is not set")


@pytest.fixture
def shared_database(redis_required):
    """A worker process must see the test's rows: only a server database can be shared."""
    if connection.vendor != "postgresql":
        pytest.skip("a worker process needs a database it can share: PostgreSQL")


def shared_database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test_… database)."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(queues: str, name: str | None = None, *, share_database: bool = False) -> subprocess.Popen:
    """Start `celery worker` (solo pool) consuming `queues`; with share_database it uses the test database."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mcu_console.settings", "REDIS_URL": settings.REDIS_URL}
    if share_database:
        env.update(DATABASE_URL=shared_database_url(), MEDIA_ROOT=str(settings.MEDIA_ROOT))
    name = name or queues.split(",")[0]
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
