"""Celery: beat runs `scheduler.tick` every SIM_TICK_SECONDS; it fans out one task per region."""

from celery import shared_task
from django.db import transaction

from scheduler import simulation


@shared_task(name="scheduler.tick", ignore_result=True)
def tick() -> int:
    """Claim the tick for the current time and queue one region task each (after the claim commits)."""
    with transaction.atomic():
        claimed = simulation.dispatch_tick()
        if claimed is None:
            return 0
        number, regions = claimed
        for region_id in regions:
            transaction.on_commit(lambda r=region_id: region_tick.delay(r, number))
    return len(regions)


@shared_task(name="scheduler.region_tick", ignore_result=True, acks_late=True)
def region_tick(region_id: int, tick_number: int) -> dict | None:
    return simulation.region_tick(region_id=region_id, tick=tick_number)
