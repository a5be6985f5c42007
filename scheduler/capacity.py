"""Capacity arithmetic per compute domain (DESIGN I-1: healthy capacity ≥ allocated + held).

capacity  = MCU slots of the domain's placeable nodes (healthy or warning);
allocated = active MCUs placed in the domain (a migrating MCU counts where its new slot is);
held      = open holds (not released, not converted, not expired);
free      = capacity − allocated − held (never below 0).
"""

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
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


def _sum(qs, field: str):
    total = (
        qs.order_by().values("domain").annotate(s=Sum(field) if field != "*" else Count("id")).values("s")[:1]
    )
    return Coalesce(Subquery(total), Value(0), output_field=IntegerField())


def domain_capacities(
    *, region=None, kind: str | None = None, exclude_reference: str | None = None, now=None
) -> list[DomainCapacity]:
    """One row per domain, in one query whatever the pool size (three correlated aggregates)."""
    domains = ComputeDomain.objects.all()
    if region is not None:
        domains = domains.filter(region=resolve_region(region))
    if kind:
        domains = domains.filter(kind=kind)
    holds = open_holds(now).filter(domain=OuterRef("pk"))
    if exclude_reference:
        holds = holds.exclude(reference=exclude_reference)
    rows = domains.order_by("id").annotate(
        cap=_sum(
            Node.objects.filter(domain=OuterRef("pk"), status__in=PLACEABLE_NODE_STATUSES), "mcu_capacity"
        ),
        alloc=_sum(
            Mcu.objects.filter(domain=OuterRef("pk"), status__in=ACTIVE_MCU_STATUSES, node__isnull=False), "*"
        ),
        held=_sum(holds, "quantity"),
    )
    return [
        DomainCapacity(
            domain_id=d["id"],
            code=d["code"],
            region_id=d["region_id"],
            kind=d["kind"],
            capacity=d["cap"],
            allocated=d["alloc"],
            held=d["held"],
        )
        for d in rows.values("id", "code", "region_id", "kind", "cap", "alloc", "held")
    ]
