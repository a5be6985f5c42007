"""The customer's writes from the assets pages and API: tasks, through the scheduler's services.

assets owns no data; this module adds what lives above the scheduler: billing's pay-as-you-go
balance check and the contract ceiling (R-5.5), then calls scheduler.workloads.
"""

from billing import selectors as billing_selectors
from scheduler import workloads as scheduler_workloads


def workload_submit(*, organization, name, kind, region, mcu_count, tightly_coupled, payg, actor):
    """Submit a task. Pool tasks run on the organization's own free MCUs (or wait queued);
    pay-as-you-go tasks need deposit left and stay under the region's contract ceiling."""
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
