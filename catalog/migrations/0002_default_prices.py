"""SPEC R-5.4 default prices for every region that exists when this runs.

Regions created later (the scheduler's seed_pool, the demo) get theirs from
catalog.services.price_book_ensure_defaults().
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

DEFAULTS = {"annual": Decimal("1080.00"), "monthly": Decimal("1280.00"), "payg": Decimal("2.20")}
UNITS = {"annual": "mcu_month", "monthly": "mcu_month", "payg": "mcu_hour"}


def add_defaults(apps, schema_editor):
    Region = apps.get_model("catalog", "Region")
    PriceBookEntry = apps.get_model("catalog", "PriceBookEntry")
    for region in Region.objects.all():
        have = set(PriceBookEntry.objects.filter(region=region).values_list("sales_form", flat=True))
        for form, price in DEFAULTS.items():
            if form not in have:
                PriceBookEntry.objects.create(
                    region=region,
                    sales_form=form,
                    unit=UNITS[form],
                    unit_price=price,
                    valid_from=dt.date(2026, 1, 1),
                    note="SPEC R-5.4 default",
                )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
