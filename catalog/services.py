"""Every write of the catalog app."""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from catalog.choices import SalesForm
from catalog.models import PriceBookEntry, Region

# SPEC defaults (VAT included): annual ¥1,080, monthly ¥1,280 per MCU-month; payg ¥2.20 per MCU·h.
DEFAULT_PRICES = {
    SalesForm.ANNUAL: Decimal("1080.00"),
    SalesForm.MONTHLY: Decimal("1280.00"),
    SalesForm.PAYG: Decimal("2.20"),
}
DEFAULTS_VALID_FROM = dt.date(2026, 1, 1)


@transaction.atomic
def price_book_ensure_defaults(*, regions=None) -> int:
    """Give every region (or those given) the default price of each sales form it has no price for.

    Idempotent: a region with any entry for a form keeps it. Returns how many entries were created.
    Called by the data migration's twin for regions created later (seed_pool, demo, tests).
    """
    regions = Region.objects.all() if regions is None else regions
    created = 0
    for region in regions:
        have = set(PriceBookEntry.objects.filter(region=region).values_list("sales_form", flat=True))
        for form, price in DEFAULT_PRICES.items():
            if form in have:
                continue
            PriceBookEntry.objects.create(
                region=region,
                sales_form=form,
                unit_price=price,
                valid_from=DEFAULTS_VALID_FROM,
                note="SPEC R-5.4 default",
            )
            created += 1
    return created
