"""The customer's writes from the assets pages and API: tasks, through the scheduler's services.

assets owns no data; this module adds what lives above the scheduler: billing's pay-as-you-go
balance check and the contract ceiling (R-5.5), then calls scheduler.workloads.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from billing import selectors as billing_selectors
from orders.exceptions import IdempotencyKeyReused
from orders.models import IdempotencyKey
from scheduler import workloads as scheduler_workloads


def workload_submit(
    *,
    organization,
    name,
    kind,
    region,
    mcu_count,
    tightly_coupled,
    payg,
    actor,
    idempotency_key: str | None = None,
    request_hash: str = "",
):
    """Submit a task. Pool tasks run on the organization's own free MCUs (or wait queued);
    pay-as-you-go tasks need deposit left and stay under the region's contract ceiling.

    With an idempotency key, the same key and request return the first task; another request is a 422.
    """
    if not idempotency_key:
        return _submit(organization, name, kind, region, mcu_count, tightly_coupled, payg, actor)
    found = IdempotencyKey.objects.filter(organization=organization, key=idempotency_key).first()
    if found is not None:
        if found.request_hash != request_hash or found.workload_id is None:
            raise IdempotencyKeyReused(
                _("This Idempotency-Key was already used with a different request."),
                details={"idempotency_key": idempotency_key},
            )
        return found.workload
    with transaction.atomic():
        # The key row first: a concurrent retry with the same key waits on it, then fails the unique check.
        key_row = IdempotencyKey.objects.create(
            organization=organization, key=idempotency_key, request_hash=request_hash
        )
        workload = _submit(organization, name, kind, region, mcu_count, tightly_coupled, payg, actor)
        key_row.workload = workload
        key_row.save(update_fields=["workload"])
    return workload


def _submit(organization, name, kind, region, mcu_count, tightly_coupled, payg, actor):
    ceiling = None
    if payg:
        billing_selectors.payg_check_can_start(organization=organization, region=region)
        ceiling = sum(
            p.quantity for p in billing_selectors.payg_pools_for_org(organization).filter(region=region)
        )
    return scheduler_workloads.workload_submit(
        organization=organization,
        name=name,
        kind=kind,
        region=region,
        mcu_count=mcu_count,
        tightly_coupled=tightly_coupled,
        payg=payg,
        payg_ceiling=ceiling,
        actor=actor,
    )


def workload_stop(*, workload, actor):
    return scheduler_workloads.workload_stop(workload=workload, actor=actor)
