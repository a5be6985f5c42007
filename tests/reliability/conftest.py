import pytest

from mcu_console.celery import app as celery_app


@pytest.fixture(autouse=True)
def not_eager():
    """Reliability tests talk to a real broker: switch eager mode off for their duration."""
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True
