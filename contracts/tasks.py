"""Celery tasks of the contracts app (thin: the work is in contracts.services)."""

from celery import shared_task

from contracts.services import contracts_prepare_new


@shared_task(name="contracts.prepare_new")
def prepare_new_contracts() -> int:
    """Render and announce the contracts of newly placed orders (beat, every minute)."""
    return contracts_prepare_new()
