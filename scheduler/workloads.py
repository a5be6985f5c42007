"""Customer workloads (tasks): gang placement on the organization's own MCUs (R-2.5, I-3)."""

from django.utils import timezone

from scheduler.choices import McuStatus, WorkloadStatus
from scheduler.models import Workload

LIVE_WORKLOAD_STATUSES = (WorkloadStatus.QUEUED, WorkloadStatus.RUNNING, WorkloadStatus.RECOVERING)


def workloads_mark_recovering(*, mcu_ids, now=None) -> int:
    """A workload whose MCU started migrating is recovering (it resumes from its checkpoint)."""
    if not mcu_ids:
        return 0
    return (
        Workload.objects.filter(mcus__in=mcu_ids, status=WorkloadStatus.RUNNING)
        .distinct()
        .update(status=WorkloadStatus.RECOVERING, status_reason="an MCU is migrating")
    )


def workloads_sync_recovered(*, region_id: int, now=None) -> int:
    """Recovering workloads whose MCUs are all back to normal/warning run again."""
    now = now or timezone.now()
    done = 0
    for workload in Workload.objects.filter(region_id=region_id, status=WorkloadStatus.RECOVERING):
        if not workload.mcus.exclude(status__in=[McuStatus.NORMAL, McuStatus.WARNING]).exists():
            Workload.objects.filter(pk=workload.pk, status=WorkloadStatus.RECOVERING).update(
                status=WorkloadStatus.RUNNING, status_reason="resumed after migration"
            )
            done += 1
    return done
