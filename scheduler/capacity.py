"""Capacity arithmetic per compute domain (DESIGN I-1: healthy capacity ≥ allocated + held).

capacity  = MCU slots of the domain's placeable nodes (healthy or warning);
allocated = active MCUs placed in the domain (a migrating MCU counts where its new slot is);
held      = open holds (not released, not converted, not expired);
free      = capacity − allocated − held (never below 0).
"""

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone

from catalog.models import Region
from scheduler.choices import ACTIVE_MCU_STATUSES, PLACEABLE_NODE_STATUSES
from scheduler.models import ComputeDomain, Hold, Mcu, Node


@dataclass(frozen=True)
class DomainCapacity:
    domain_id: int
    code: str
    region_id: int
    kind: str
    capacity: int
    allocated: int
    held: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.allocated - self.held)


def resolve_region(region) -> Region:
    """Accept a Region, its pk or its code."""
    if isinstance(region, Region):
        return region
    if isinstance(region, int):
        return Region.objects.get(pk=region)
    return Region.objects.get(code=region)


def open_holds(now=None):
    now = now or timezone.now()
    return Hold.objects.filter(released_at__isnull=True, converted_at__isnull=True, expires_at__gt=now)


def domain_capacities(
    *, region=None, kind: str | None = None, exclude_reference: str | None = None, now=None
) -> list[DomainCapacity]:
    """One row per domain: three grouped queries whatever the pool size."""
    domains = ComputeDomain.objects.all()
    if region is not None:
        domains = domains.filter(region=resolve_region(region))
    if kind:
        domains = domains.filter(kind=kind)
    domains = list(domains.order_by("id").values("id", "code", "region_id", "kind"))
    ids = [d["id"] for d in domains]
    cap = dict(
        Node.objects.filter(domain_id__in=ids, status__in=PLACEABLE_NODE_STATUSES)
        .values("domain_id")
        .annotate(n=Sum("mcu_capacity"))
        .values_list("domain_id", "n")
    )
    alloc = dict(
        Mcu.objects.filter(domain_id__in=ids, status__in=ACTIVE_MCU_STATUSES, node__isnull=False)
        .values("domain_id")
        .annotate(n=Count("id"))
        .values_list("domain_id", "n")
    )
    holds = open_holds(now).filter(domain_id__in=ids)
    if exclude_reference:
        holds = holds.filter(~Q(reference=exclude_reference))
    held = dict(holds.values("domain_id").annotate(n=Sum("quantity")).values_list("domain_id", "n"))
    return [
        DomainCapacity(
            domain_id=d["id"],
            code=d["code"],
            region_id=d["region_id"],
            kind=d["kind"],
            capacity=cap.get(d["id"]) or 0,
            allocated=alloc.get(d["id"]) or 0,
            held=held.get(d["id"]) or 0,
        )
        for d in domains
    ]
