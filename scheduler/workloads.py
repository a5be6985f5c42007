"""Customer workloads (tasks): gang placement on the organization's own MCUs (R-2.5, I-3).

A pool workload runs on MCUs the organization already has in the region, all or nothing; training on
more than one MCU (or any workload asking for it) must sit inside one tightly-coupled domain. When the
MCUs are busy it waits `queued` and starts (first come, first served) when enough are free. A
pay-as-you-go workload allocates fresh MCUs from the region's free capacity, up to the account's
ceiling, and releases them when it ends (R-5.5). The ceiling lives with orders; the caller passes it.
"""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.choices import DomainKind
from scheduler.capacity import resolve_region
from scheduler.choices import McuStatus, WorkloadKind, WorkloadStatus
from scheduler.exceptions import InsufficientCapacity, InvalidRequest, InvalidTransition
from scheduler.models import Mcu, Workload
from scheduler.services import mcus_allocate, mcus_release

LIVE_WORKLOAD_STATUSES = (WorkloadStatus.QUEUED, WorkloadStatus.RUNNING, WorkloadStatus.RECOVERING)
HOLDING_STATUSES = (WorkloadStatus.RUNNING, WorkloadStatus.RECOVERING)
USABLE_MCU_STATUSES = (McuStatus.PROVISIONING, McuStatus.NORMAL, McuStatus.WARNING)


def payg_reference(workload: Workload) -> str:
    return f"workload:{workload.pk}"


def needs_one_domain(kind: str, mcu_count: int, tightly_coupled: bool) -> bool:
    return tightly_coupled or (kind == WorkloadKind.TRAINING and mcu_count > 1)


def _pick_mcus(workload: Workload) -> list[int] | None:
    """Free MCUs of the organization for `workload` (locked, in id order), or None when not enough."""
    mcus = list(
        Mcu.objects.select_for_update()
        .filter(
            organization_id=workload.organization_id,
            region_id=workload.region_id,
            status__in=USABLE_MCU_STATUSES,
        )
        .exclude(allocation__reference__startswith="workload:")
        .order_by("id")
        .values_list("id", "domain_id", "domain_kind")
    )
    busy = set(
        Workload.mcus.through.objects.filter(
            workload__organization_id=workload.organization_id, workload__status__in=HOLDING_STATUSES
        ).values_list("mcu_id", flat=True)
    )
    free = [m for m in mcus if m[0] not in busy]
    n = workload.mcu_count
    if needs_one_domain(workload.kind, n, workload.tightly_coupled):
        by_domain = defaultdict(list)
        for mcu_id, domain_id, kind in free:
            if kind == DomainKind.TIGHTLY_COUPLED:
                by_domain[domain_id].append(mcu_id)
        fitting = sorted((len(ids), d) for d, ids in by_domain.items() if len(ids) >= n)
        return by_domain[fitting[0][1]][:n] if fitting else None
    # anything goes: normal MCUs first, keeping tightly-coupled ones for jobs that need them
    free.sort(key=lambda m: (m[2] != DomainKind.NORMAL, m[0]))
    return [m[0] for m in free[:n]] if len(free) >= n else None


def _start(workload: Workload, mcu_ids, now) -> None:
    workload.mcus.set(mcu_ids)
    workload.status, workload.status_reason, workload.started_at = WorkloadStatus.RUNNING, "", now
    workload.save(update_fields=["status", "status_reason", "started_at"])


@transaction.atomic
def workload_submit(
    *,
    organization,
    name: str,
    kind: str,
    region,
    mcu_count: int,
    tightly_coupled: bool = False,
    payg: bool = False,
    actor=None,
    payg_ceiling: int | None = None,
    duration_hours: int | None = None,
    now=None,
) -> Workload:
    """Submit a task. Pool: runs at once on free MCUs or waits queued; pay-as-you-go: allocates now or
    refuses (409) — never beyond `payg_ceiling` MCUs running at once in the region."""
    now = now or timezone.now()
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidRequest(_("Give the task a name of 1 to 100 characters."), details={"name": name[:100]})
    if kind not in WorkloadKind.values:
        raise InvalidRequest(_("Unknown task kind."), details={"kind": kind})
    if not isinstance(mcu_count, int) or isinstance(mcu_count, bool) or mcu_count < 1:
        raise InvalidRequest(_("A task needs at least one MCU."), details={"mcu_count": mcu_count})
    if duration_hours is not None and duration_hours < 1:
        raise InvalidRequest(_("The planned duration must be at least one hour."))
    region = resolve_region(region)
    one_domain = needs_one_domain(kind, mcu_count, tightly_coupled)
    workload = Workload(
        organization=organization,
        name=name,
        kind=kind,
        region=region,
        mcu_count=mcu_count,
        tightly_coupled=one_domain,
        payg=payg,
        submitted_by=actor,
        submitted_at=now,
        duration_hours=duration_hours,
    )
    if payg:
        if payg_ceiling is None or payg_ceiling <= 0:
            raise InvalidRequest(_("There is no pay-as-you-go account in this region."))
        running = sum(
            Workload.objects.select_for_update()
            .filter(organization=organization, region=region, payg=True, status__in=LIVE_WORKLOAD_STATUSES)
            .values_list("mcu_count", flat=True)
        )
        if running + mcu_count > payg_ceiling:
            raise InsufficientCapacity(
                _("This would run %(n)d pay-as-you-go MCUs; your ceiling is %(c)d.")
                % {"n": running + mcu_count, "c": payg_ceiling},
                details={"ceiling": payg_ceiling, "running": running},
            )
        workload.save()
        allocation = mcus_allocate(
            organization=organization,
            region=region,
            domain_kind=DomainKind.TIGHTLY_COUPLED if one_domain else DomainKind.NORMAL,
            quantity=mcu_count,
            reference=payg_reference(workload),
            now=now,
            single_domain=one_domain,
        )
        _start(workload, list(allocation.mcus.values_list("id", flat=True)), now)
        return workload

    owned = Mcu.objects.filter(
        organization=organization, region=region, status__in=USABLE_MCU_STATUSES + (McuStatus.MIGRATING,)
    )
    owned = owned.exclude(allocation__reference__startswith="workload:")
    if one_domain:
        owned = owned.filter(domain_kind=DomainKind.TIGHTLY_COUPLED)
    if owned.count() < mcu_count:
        raise InsufficientCapacity(
            _("You have %(have)d suitable MCUs in %(region)s; the task needs %(n)d.")
            % {"have": owned.count(), "region": region.name, "n": mcu_count},
            details={"have": owned.count(), "needs": mcu_count},
        )
    workload.save()
    mcu_ids = _pick_mcus(workload)
    if mcu_ids is None:
        workload.status_reason = "waiting for free MCUs"
        workload.save(update_fields=["status_reason"])
    else:
        _start(workload, mcu_ids, now)
    return workload


@transaction.atomic
def workload_stop(
    *, workload: Workload, actor=None, now=None, reason: str = "stopped by the user"
) -> Workload:
    """Stop a queued or running task; a pay-as-you-go task gives its MCUs back."""
    now = now or timezone.now()
    workload = Workload.objects.select_for_update().get(pk=workload.pk)
    if workload.status not in LIVE_WORKLOAD_STATUSES:
        raise InvalidTransition(_("The task has already ended."), details={"status": workload.status})
    _end(workload, WorkloadStatus.STOPPED, reason, now)
    return workload


def _end(workload: Workload, status: str, reason: str, at) -> None:
    workload.status, workload.status_reason, workload.ended_at = status, reason[:200], at
    workload.save(update_fields=["status", "status_reason", "ended_at"])
    if workload.payg:
        mcus_release(reference=payg_reference(workload), now=at, reason="pay-as-you-go task ended")


def workloads_advance(*, region_id: int, now) -> dict:
    """One tick of task life: finish tasks whose planned time is over, start queued ones that fit."""
    completed = started = 0
    for workload in Workload.objects.filter(
        region_id=region_id,
        status__in=HOLDING_STATUSES,
        duration_hours__isnull=False,
        started_at__isnull=False,
    ):
        end = workload.started_at + dt.timedelta(hours=workload.duration_hours)
        if end <= now:
            with transaction.atomic():
                _end(workload, WorkloadStatus.COMPLETED, "finished", end)
            completed += 1
    for workload in Workload.objects.filter(region_id=region_id, status=WorkloadStatus.QUEUED).order_by(
        "submitted_at", "id"
    ):
        with transaction.atomic():
            mcu_ids = _pick_mcus(workload)
            if mcu_ids is not None:
                _start(workload, mcu_ids, now)
                started += 1
    return {"completed": completed, "started": started}


def workloads_mark_recovering(*, mcu_ids, now=None) -> int:
    """A workload whose MCU started migrating is recovering (it resumes from its checkpoint)."""
    if not mcu_ids:
        return 0
    affected = Workload.mcus.through.objects.filter(mcu_id__in=mcu_ids).values("workload_id")
    return Workload.objects.filter(pk__in=affected, status=WorkloadStatus.RUNNING).update(
        status=WorkloadStatus.RECOVERING, status_reason="an MCU is migrating"
    )


def workloads_sync_recovered(*, region_id: int, now=None) -> int:
    """Recovering workloads whose MCUs are all back to normal/warning run again."""
    done = 0
    for workload in Workload.objects.filter(region_id=region_id, status=WorkloadStatus.RECOVERING):
        if not workload.mcus.exclude(status__in=[McuStatus.NORMAL, McuStatus.WARNING]).exists():
            Workload.objects.filter(pk=workload.pk, status=WorkloadStatus.RECOVERING).update(
                status=WorkloadStatus.RUNNING, status_reason="resumed after migration"
            )
            done += 1
    return done
