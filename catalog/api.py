"""GET /regions and GET /inventory (SPEC R-3.1, R-3.6): the same selectors as the console pages."""

from decimal import Decimal

from ninja import Router, Schema

from catalog import availability, selectors
from catalog.choices import SalesForm

router = Router(tags=["catalog"])


class PriceOut(Schema):
    sales_form: str
    unit: str
    unit_price: Decimal
    valid_from: str


class RegionOut(Schema):
    code: str
    name: str
    name_en: str
    prices: list[PriceOut]


class InventoryOut(Schema):
    region: str
    region_name: str
    domain_kind: str
    availability: str
    orderable: int
    largest_block: int | None
    prices: list[PriceOut]


def _prices(by_form: dict) -> list[dict]:
    return [
        {
            "sales_form": form,
            "unit": by_form[form].unit,
            "unit_price": by_form[form].unit_price,
            "valid_from": by_form[form].valid_from.isoformat(),
        }
        for form in SalesForm.values
        if form in by_form
    ]


@router.get("/regions", response=list[RegionOut], summary="Regions on sale with the prices in force")
def regions(request):
    regions = list(selectors.regions_on_sale())
    prices = selectors.prices_in_force(regions=regions)
    return [
        {"code": r.code, "name": r.name, "name_en": r.name_en, "prices": _prices(prices.get(r.pk, {}))}
        for r in regions
    ]


@router.get(
    "/inventory", response=list[InventoryOut], summary="What can be ordered now, per region and domain"
)
def inventory(request):
    """Availability level, MCUs orderable now and, for tightly-coupled, the largest block in one domain."""
    return [
        {
            "region": row.region.code,
            "region_name": row.region.name,
            "domain_kind": row.domain_kind,
            "availability": row.level,
            "orderable": row.orderable,
            "largest_block": row.largest_block,
            "prices": _prices(row.prices),
        }
        for row in availability.inventory_rows()
    ]
