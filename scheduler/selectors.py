"""Reads of the pool. Capacity reads are staff/sales facing (orders, inventory); the `*_for_org`
reads are customer facing and never return hardware: no node, slot, domain code or GPU model (R-2.2)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDay, TruncHour
from django.utils.translation import gettext_lazy as _

from catalog.choices import DomainKind
from catalog.models import Region
from mcu_console.timeutil import display_tz
from scheduler.capacity import DomainCapacity, domain_capacities, resolve_region
from scheduler.choices import ACTIVE_MCU_STATUSES, McuStatus
from scheduler.models import Mcu, Transition, UsageHour
from scheduler.placement import plan_domains
from scheduler.services import may_span

__all__ = [
    "DomainCapacity",
    "DomainKindCapacity",
    "capacity_overview",
    "orderable",
    "mcus_for_org",
    "health_counts",
    "usage_for_org",
    "events_for_org",
]


@dataclass(frozen=True)
class DomainKindCapacity:
    region: Region
    domain_kind: str
    capacity: int
    allocated: int
    held: int
    free: int
    largest_block: int  # the most MCUs one tightly-coupled line can get in one domain; normal: = free

    @property
    def domain_kind_label(self) -> str:
        return str(DomainKind(self.domain_kind).label)


def capacity_overview(*, region=None) -> list[DomainKindCapacity]:
    """Per region and domain kind: capacity, allocated, held, free and the largest block (R-3.1)."""
    regions = {r.pk: r for r in (Region.objects.all() if region is None else [resolve_region(region)])}
    grouped: dict[tuple[int, str], list[DomainCapacity]] = defaultdict(list)
    for cap in domain_capacities(region=region):
        grouped[(cap.region_id, cap.kind)].append(cap)
    out = []
    for region_id, region_obj in regions.items():
        for kind in DomainKind.values:
            caps = grouped.get((region_id, kind), [])
            free = sum(c.free for c in caps)
            out.append(
                DomainKindCapacity(
                    region=region_obj,
                    domain_kind=kind,
                    capacity=sum(c.capacity for c in caps),
                    allocated=sum(c.allocated for c in caps),
                    held=sum(c.held for c in caps),
                    free=free,
                    largest_block=free
                    if kind == DomainKind.NORMAL
                    else max((c.free for c in caps), default=0),
                )
            )
    return out


def orderable(*, region, domain_kind: str, quantity: int) -> bool:
    """Could `quantity` MCUs be held right now (cluster lines ≥ 64 may span domains)?"""
    if quantity <= 0:
        return False
    caps = domain_capacities(region=region, kind=domain_kind)
    return (
        plan_domains(
            [(c.domain_id, c.free) for c in caps], quantity, may_span=may_span(domain_kind, quantity)
        )
        is not None
    )


# --- customer facing ---------------------------------------------------------------------------


def mcus_for_org(org, region=None, status=None):
    """The organization's active MCUs (customer-visible fields only are meant to be shown)."""
    qs = Mcu.objects.filter(organization=org, status__in=ACTIVE_MCU_STATUSES)
    if region is not None:
        qs = qs.filter(region=resolve_region(region))
    if status:
        qs = qs.filter(status__in=[status] if isinstance(status, str) else status)
    return qs.select_related("region", "allocation").order_by("region__sort_order", "public_id")


def health_counts(org) -> dict[int, dict[str, int]]:
    """{region_id: {status: count}} of the organization's active MCUs (the health panel)."""
    out: dict[int, dict[str, int]] = defaultdict(lambda: {s: 0 for s in ACTIVE_MCU_STATUSES})
    for row in (
        Mcu.objects.filter(organization=org, status__in=ACTIVE_MCU_STATUSES)
        .values("region_id", "status")
        .annotate(n=Count("id"))
    ):
        out[row["region_id"]][row["status"]] = row["n"]
    return dict(out)


def usage_for_org(
    org,
    *,
    start: dt.datetime,
    end: dt.datetime,
    granularity: str = "day",
    by_kind: bool = True,
    by_region: bool = False,
) -> list[dict]:
    """MCU·h of an organization in [start, end): rows of {period, [workload_kind], [region_id],
    allocated_hours, busy_hours, weighted_mcu_hours}. Days are Asia/Shanghai days."""
    if granularity not in ("hour", "day"):
        raise ValueError("granularity is hour or day")
    trunc = TruncHour("hour") if granularity == "hour" else TruncDay("hour", tzinfo=display_tz())
    keys = ["period"] + (["workload_kind"] if by_kind else []) + (["region_id"] if by_region else [])
    rows = (
        UsageHour.objects.filter(organization=org, hour__gte=start, hour__lt=end)
        .annotate(period=trunc)
        .values(*keys)
        .annotate(
            alloc=Sum("allocated_seconds"), busy=Sum("busy_seconds"), weighted=Sum("weighted_mcu_hours")
        )
        .order_by(*keys)
    )
    return [
        {
            **{k: r[k] for k in keys},
            "allocated_hours": Decimal(r["alloc"] or 0) / 3600,
            "busy_hours": Decimal(r["busy"] or 0) / 3600,
            "weighted_mcu_hours": Decimal(r["weighted"] or 0),
        }
        for r in rows
    ]


CUSTOMER_EVENT_TEXT = {
    (McuStatus.NORMAL, McuStatus.WARNING): _("Early warning: the platform is watching this MCU closely."),
    (McuStatus.PROVISIONING, McuStatus.WARNING): _(
        "Early warning: the platform is watching this MCU closely."
    ),
    (McuStatus.WARNING, McuStatus.NORMAL): _("Back to normal."),
    (McuStatus.MIGRATING, McuStatus.NORMAL): _("Migration finished; the MCU is running normally."),
    (McuStatus.MIGRATING, McuStatus.WARNING): _("Migration finished."),
    (McuStatus.PROVISIONING, McuStatus.NORMAL): _("Ready."),
    ("", McuStatus.PROVISIONING): _("Allocated; being prepared."),
    (McuStatus.RELEASED, None): _("Released."),
    (McuStatus.MIGRATING, None): _("Migrating automatically to keep the service running; no action needed."),
}


def _event_text(from_status: str, to_status: str) -> str | None:
    if to_status == McuStatus.MIGRATING:
        return (
            str(CUSTOMER_EVENT_TEXT[(McuStatus.MIGRATING, None)])
            if from_status != McuStatus.MIGRATING
            else None
        )
    if to_status == McuStatus.RELEASED:
        return str(CUSTOMER_EVENT_TEXT[(McuStatus.RELEASED, None)])
    text = CUSTOMER_EVENT_TEXT.get((from_status, to_status))
    return str(text) if text else None


def events_for_org(org, *, since: dt.datetime | None = None, limit: int = 50) -> list[dict]:
    """Customer-worded events for the organization's MCUs: warnings, migrations, recoveries.
    Each: {at, mcu (public id), region_id, kind (to-status), text}. No hardware, no reasons verbatim."""
    qs = Transition.objects.filter(mcu__organization=org).select_related("mcu")
    if since is not None:
        qs = qs.filter(at__gte=since)
    out = []
    for t in qs.order_by("-at", "-id").iterator(chunk_size=200):
        text = _event_text(t.from_status, t.to_status)
        if text is None:
            continue
        out.append(
            {
                "at": t.at,
                "mcu": t.mcu.public_id,
                "region_id": t.mcu.region_id,
                "kind": t.to_status,
                "text": text,
            }
        )
        if len(out) >= limit:
            break
    return out


def warning_or_migrating_count(org) -> int:
    return (
        Mcu.objects.filter(organization=org)
        .filter(Q(status=McuStatus.WARNING) | Q(status=McuStatus.MIGRATING))
        .count()
    )
