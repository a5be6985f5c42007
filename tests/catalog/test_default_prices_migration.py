"""The data migration gives every region that exists the SPEC R-5.4 default prices (catalog 0002)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.mark.django_db(transaction=True)
def test_migration_adds_defaults_to_existing_regions_only_where_missing():
    executor = MigrationExecutor(connection)
    executor.migrate([("catalog", "0001_initial")])
    apps = executor.loader.project_state([("catalog", "0001_initial")]).apps
    Region = apps.get_model("catalog", "Region")
    PriceBookEntry = apps.get_model("catalog", "PriceBookEntry")
    hz = Region.objects.create(code="cn-east-hz", name="华东-杭州")
    bj = Region.objects.create(code="cn-north-bj", name="华北-北京")
    PriceBookEntry.objects.create(
        region=bj,
        sales_form="annual",
        unit="mcu_month",
        unit_price=Decimal("999.00"),
        valid_from=dt.date(2026, 1, 1),
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from catalog.models import PriceBookEntry as Entry

    def prices(code):
        return {e.sales_form: (e.unit_price, e.unit) for e in Entry.objects.filter(region__code=code)}

    assert prices("cn-east-hz") == {
        "annual": (Decimal("1080.00"), "mcu_month"),
        "monthly": (Decimal("1280.00"), "mcu_month"),
        "payg": (Decimal("2.20"), "mcu_hour"),
    }
    assert prices("cn-north-bj")["annual"] == (Decimal("999.00"), "mcu_month")  # kept
    assert hz.pk and len(prices("cn-north-bj")) == 3
