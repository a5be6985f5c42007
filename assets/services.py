"""The customer's writes from the assets pages and API: tasks, through the scheduler's services.

assets owns no data; this module only adds the checks that live above the scheduler (billing's
pay-as-you-go balance) and refuses clearly when the scheduler's workload service is missing.
"""

import importlib

from django.utils.translation import gettext as _

from billing import selectors as billing_selectors
from mcu_console.exceptions import ServiceError


def workload_services():
    """scheduler.workloads (workload_submit / workload_stop), looked up when first used."""
    module = importlib.import_module("scheduler.workloads")
    if not hasattr(module, "workload_submit"):
        raise ServiceError(_("Tasks cannot be submitted right now; please try again later."), status=503)
    return module


def workload_submit(*, organization, name, kind, region, mcu_count, tightly_coupled, payg, actor):
    """Submit through the scheduler; a pay-as-you-go task first needs deposit left (billing, R-5.5)."""
    if payg:
        billing_selectors.payg_check_can_start(organization=organization, region=region)
    return workload_services().workload_submit(
        organization=organization,
        name=name,
        kind=kind,
        region=region,
        mcu_count=mcu_count,
        tightly_coupled=tightly_coupled,
        payg=payg,
        actor=actor,
    )


def workload_stop(*, workload, actor):
    return workload_services().workload_stop(workload=workload, actor=actor)
