"""Property tests of the bill run on real rows (DESIGN I-4, I-7): whatever pools and usage an organization
has, its bill's lines add up exactly, every line is net + VAT = total and prepaid + due = total, and a
second run changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing import services
from billing.models import Bill
from catalog.choices import SalesForm
from tests.billing import factories as f

pytestmark = pytest.mark.django_db
D = Decimal
KINDS = ["training", "inference", "development", "data_processing", ""]

pool_strategy = st.fixed_dictionaries(
    {
        "form": st.sampled_from([SalesForm.ANNUAL, SalesForm.MONTHLY, SalesForm.PAYG]),
        "quantity": st.integers(min_value=1, max_value=64),
        "price": st.decimals(min_value=D("0.01"), max_value=D("2000"), places=2),
        "start": st.dates(min_value=dt.date(2026, 9, 1), max_value=dt.date(2026, 11, 30)),
        "length": st.none() | st.integers(min_value=0, max_value=120),
        "deposit": st.decimals(min_value=D("0"), max_value=D("500"), places=2),
        "usage": st.lists(
            st.tuples(st.integers(min_value=1, max_value=30), st.sampled_from(KINDS), st.integers(1, 3)),
            max_size=4,
            unique_by=lambda u: (u[0], u[1]),  # one metered row per MCU, hour and kind
        ),
    }
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pools=st.lists(pool_strategy, min_size=1, max_size=4))
def test_property_bill_lines_add_up_and_a_rerun_changes_nothing(org, pools):
    savepoint = transaction.savepoint()
    try:
        for spec in pools:
            ends = None if spec["length"] is None else spec["start"] + dt.timedelta(days=spec["length"])
            if spec["form"] == SalesForm.ANNUAL and ends is None:
                ends = spec["start"] + dt.timedelta(days=364)
            pool = f.pool(org, sales_form=spec["form"], quantity=spec["quantity"], unit_price=spec["price"],
                          starts_on=spec["start"], ends_on=ends, deposit=spec["deposit"])  # fmt: skip
            ref = pool.allocation_reference or None
            mcus = f.mcus(f.allocation(org, reference=ref, quantity=spec["quantity"]), 1)
            for day, kind, hours in spec["usage"]:
                f.usage(mcus, day=dt.date(2026, 11, day), hours=range(hours), kind=kind,
                        local_hour_start=day % 8)  # fmt: skip
        services.bill_month(year=2026, month=11)
        bill = Bill.objects.filter(organization=org, period=dt.date(2026, 11, 1)).first()
        if bill is None:  # every pool ended before November
            nov = dt.date(2026, 11, 1)
            assert all(
                s["length"] is not None and s["start"] + dt.timedelta(days=s["length"]) < nov for s in pools
            )
            return
        lines = list(bill.lines.all())
        for field, total in [("net", bill.net), ("vat", bill.vat), ("gross", bill.total),
                             ("prepaid", bill.prepaid), ("amount_due", bill.amount_due)]:  # fmt: skip
            assert sum((getattr(line, field) for line in lines), D("0.00")) == total
        for line in lines:
            assert line.net + line.vat == line.gross
            assert line.prepaid + line.amount_due == line.gross
            assert D(0) <= line.prepaid <= line.gross
            if line.kind == "pool":
                assert line.gross <= line.quantity * line.unit_price
                assert 1 <= line.days <= line.days_in_period == 30
        snapshot = list(bill.lines.values())
        assert services.bill_month(year=2026, month=11)["unchanged"] == 1
        assert list(bill.lines.values()) == snapshot
    finally:
        transaction.savepoint_rollback(savepoint)


def test_payg_beyond_the_deposit_is_due_and_the_deposit_is_drawn_once(org):
    f.pool(org, sales_form=SalesForm.PAYG, unit_price="2.20", deposit="50.00", starts_on=dt.date(2026, 11, 1))
    m = f.mcus(f.allocation(org), 10)
    f.usage(m, day=dt.date(2026, 11, 5), hours=range(3), kind="training")  # ¥99.00
    f.usage(m, day=dt.date(2026, 12, 5), hours=range(1), kind="inference")  # ¥22.00
    services.bill_month(year=2026, month=11)
    services.bill_month(year=2026, month=12)
    nov = Bill.objects.get(period=dt.date(2026, 11, 1)).lines.get()
    dec = Bill.objects.get(period=dt.date(2026, 12, 1)).lines.get()
    assert (nov.gross, nov.prepaid, nov.amount_due) == (D("99.00"), D("50.00"), D("49.00"))
    assert (dec.gross, dec.prepaid, dec.amount_due) == (D("22.00"), D("0.00"), D("22.00"))
