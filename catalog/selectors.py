"""Reads of the catalog: regions on sale and the prices in force on a day (SPEC R-5.4)."""

import datetime as dt

from catalog.models import PriceBookEntry, Region
from mcu_console.timeutil import local_today


def regions_on_sale():
    return Region.objects.filter(is_active=True)


def prices_in_force(*, day: dt.date | None = None, regions=None) -> dict[int, dict[str, PriceBookEntry]]:
    """{region id: {sales form: the entry in force on `day` (Asia/Shanghai today by default)}}."""
    day = day or local_today()
    qs = PriceBookEntry.objects.filter(valid_from__lte=day).order_by("region_id", "sales_form", "valid_from")
    if regions is not None:
        qs = qs.filter(region__in=regions)
    table: dict[int, dict[str, PriceBookEntry]] = {}
    for entry in qs:
        table.setdefault(entry.region_id, {})[entry.sales_form] = entry  # later dates overwrite earlier
    return table


def price_in_force(*, region: Region, sales_form: str, day: dt.date | None = None) -> PriceBookEntry | None:
    day = day or local_today()
    return (
        PriceBookEntry.objects.filter(region=region, sales_form=sales_form, valid_from__lte=day)
        .order_by("-valid_from")
        .first()
    )


def upcoming_prices(*, day: dt.date | None = None):
    """Entries that take effect after `day`: shown so customers are not surprised."""
    day = day or local_today()
    return PriceBookEntry.objects.filter(valid_from__gt=day).select_related("region").order_by("valid_from")
