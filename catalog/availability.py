"""What can be ordered now, per region and domain kind (SPEC R-3.1), for the inventory page and API.

Capacity is the scheduler's knowledge, and the scheduler sits above catalog in the dependency
order (DESIGN §1). So catalog does not import it: the orders app, which may see both, plugs the
scheduler's `capacity_overview` in at start-up (orders.apps). Catalog adds prices and the level.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from catalog.choices import DomainKind
from catalog.models import PriceBookEntry, Region
from catalog.selectors import prices_in_force, regions_on_sale

AMPLE = "ample"
LIMITED = "limited"
SOLD_OUT = "sold_out"
LEVEL_LABELS = {AMPLE: _("Ample"), LIMITED: _("Limited"), SOLD_OUT: _("Sold out")}
# "Limited" below this many MCUs or this share of the kind's capacity, whichever is larger.
LIMITED_BELOW_MCUS = 16
LIMITED_BELOW_SHARE = 0.2

_capacity_source: Callable | None = None


def register_capacity_source(source: Callable) -> None:
    """`source(region=None)` → rows with region, domain_kind, capacity, free and largest_block."""
    global _capacity_source
    _capacity_source = source


def availability_level(*, orderable: int, capacity: int) -> str:
    if orderable <= 0:
        return SOLD_OUT
    if orderable < max(LIMITED_BELOW_MCUS, capacity * LIMITED_BELOW_SHARE):
        return LIMITED
    return AMPLE


@dataclass
class InventoryRow:
    region: Region
    domain_kind: str
    level: str
    orderable: int
    largest_block: int | None  # tightly-coupled only: the largest line orderable in one domain
    prices: dict[str, PriceBookEntry]

    @property
    def level_label(self):
        return LEVEL_LABELS[self.level]

    @property
    def domain_kind_label(self):
        return DomainKind(self.domain_kind).label


def _region_id(row) -> int:
    region = row.region
    return region if isinstance(region, int) else region.pk


def inventory_rows(*, region: Region | None = None) -> list[InventoryRow]:
    """One row per region on sale and domain kind; no fleet size, no hardware (R-2.2, R-3.1)."""
    if _capacity_source is None:
        raise ImproperlyConfigured(
            "No capacity source registered (the orders app registers the scheduler's)."
        )
    regions = list(regions_on_sale() if region is None else [region])
    capacity = {(_region_id(r), r.domain_kind): r for r in _capacity_source(region=region)}
    prices = prices_in_force(regions=regions)
    rows = []
    for reg in regions:
        for kind in DomainKind.values:
            cap = capacity.get((reg.pk, kind))
            free = cap.free if cap else 0
            block = (cap.largest_block if cap else 0) if kind == DomainKind.TIGHTLY_COUPLED else None
            level = availability_level(orderable=free, capacity=cap.capacity if cap else 0)
            rows.append(
                InventoryRow(
                    region=reg,
                    domain_kind=kind,
                    level=level,
                    orderable=free,
                    largest_block=block,
                    prices=prices.get(reg.pk, {}),
                )
            )
    return rows
