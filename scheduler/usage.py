"""Metering (SPEC R-5.1, R-5.2): one UsageHour row per MCU, hour and workload kind.

A row's `weighted_mcu_hours` = allocated seconds / 3600 × the kind's coefficient (training 1.5,
inference 1.0, development 0.8, data processing 0.6). Allocated time with no workload (the blank
kind) counts at **1.0**: an idle MCU is still an allocated MCU (R-5.1). `busy_seconds` is the time the
MCU was actually busy (utilisation profile × time in the workload) — information, not billing.

Rows are a pure function of timestamps (MCU created/released, workload started/ended), so recomputing
an hour writes the same numbers again: the usage step of a repeated tick changes nothing (I-7).
"""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from scheduler.choices import WorkloadKind
from scheduler.engine.profiles import utilisation
from scheduler.models import Mcu, UsageHour, Workload

COEFFICIENTS = {
    WorkloadKind.TRAINING: Decimal("1.5"),
    WorkloadKind.INFERENCE: Decimal("1.0"),
    WorkloadKind.DEVELOPMENT: Decimal("0.8"),
    WorkloadKind.DATA_PROCESSING: Decimal("0.6"),
    "": Decimal("1.0"),  # idle allocated time
}
HOUR = dt.timedelta(hours=1)
Q4 = Decimal("0.0001")


def weighted_hours(kind: str, seconds: int) -> Decimal:
    """R-5.2: 3600 s of training = 1.5 MCU·h; idle allocated time counts at 1.0."""
    return (Decimal(seconds) * COEFFICIENTS[kind] / 3600).quantize(Q4, rounding=ROUND_HALF_UP)


def floor_hour(t: dt.datetime) -> dt.datetime:
    return t.replace(minute=0, second=0, microsecond=0)


def _overlap(a0, a1, b0, b1) -> int:
    return max(0, int((min(a1, b1) - max(a0, b0)).total_seconds()))


def usage_rows(*, region_id: int, hour: dt.datetime, upto: dt.datetime | None = None) -> list[UsageHour]:
    """The rows of one hour (up to `upto` if the hour is still running) for every MCU of the region."""
    end = hour + HOUR if upto is None else min(hour + HOUR, upto)
    if end <= hour:
        return []
    mcus = list(
        Mcu.objects.filter(region_id=region_id, created_at__lt=end)
        .filter(Q(released_at__isnull=True) | Q(released_at__gt=hour))
        .values_list("id", "organization_id", "allocation_id", "created_at", "released_at")
    )
    if not mcus:
        return []
    links = defaultdict(list)
    through = Workload.mcus.through.objects.filter(
        mcu_id__in=[m[0] for m in mcus], workload__started_at__lt=end
    ).filter(Q(workload__ended_at__isnull=True) | Q(workload__ended_at__gt=hour))
    for mcu_id, wid, kind, started, ended in through.values_list(
        "mcu_id", "workload_id", "workload__kind", "workload__started_at", "workload__ended_at"
    ):
        links[mcu_id].append((wid, kind, started, ended))
    rows = []
    for mcu_id, org_id, alloc_id, created, released in mcus:
        a0, a1 = max(hour, created), min(end, released or end)
        allocated = _overlap(a0, a1, hour, end)
        if allocated <= 0:
            continue
        per_kind: dict[str, list] = {}
        used = 0
        for wid, kind, started, ended in links.get(mcu_id, ()):
            seconds = min(_overlap(a0, a1, started, ended or a1), allocated - used)
            if seconds <= 0:
                continue
            used += seconds
            busy = round(seconds * utilisation(kind, hour, wid))
            entry = per_kind.setdefault(kind, [0, 0, wid])
            entry[0] += seconds
            entry[1] += busy
        if allocated - used > 0:
            per_kind[""] = [allocated - used, 0, None]
        for kind, (seconds, busy, wid) in per_kind.items():
            rows.append(
                UsageHour(
                    hour=hour,
                    mcu_id=mcu_id,
                    organization_id=org_id,
                    allocation_id=alloc_id,
                    region_id=region_id,
                    workload_id=wid,
                    workload_kind=kind,
                    allocated_seconds=seconds,
                    busy_seconds=min(busy, seconds),
                    weighted_mcu_hours=weighted_hours(kind, seconds),
                )
            )
    return rows


def usage_record(*, region_id: int, start: dt.datetime, end: dt.datetime) -> int:
    """(Re)write the usage of every hour touching [start, end), counting time up to `end`."""
    hour, written = floor_hour(start), 0
    while hour < end:
        rows = usage_rows(region_id=region_id, hour=hour, upto=end)
        if rows:
            UsageHour.objects.bulk_create(
                rows,
                batch_size=2000,
                update_conflicts=True,
                unique_fields=["mcu", "hour", "workload_kind"],
                update_fields=["allocated_seconds", "busy_seconds", "weighted_mcu_hours", "workload"],
            )
            written += len(rows)
        hour += HOUR
    return written
