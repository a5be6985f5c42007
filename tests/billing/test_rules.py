"""The billing arithmetic by hand (SPEC R-5.4–R-5.6, docs/billing.md) and as properties."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from billing import rules
from mcu_console.money import split_vat

D = Decimal


def test_annual_4_mcu_in_two_regions_is_8640_00_eq_8150_94_plus_489_06_vat():
    lines = [
        rules.line_amounts(
            gross=rules.pool_gross(quantity=4, unit_price=D("1080"), days=30, days_in_period=30)
        )
    ]
    lines.append(dict(lines[0]))
    totals = rules.bill_totals(lines)
    assert lines[0]["gross"] == D("4320.00")
    assert totals["total"] == D("8640.00")
    assert totals["net"] == D("8150.94")
    assert totals["vat"] == D("489.06")


def test_payg_10_mcu_training_3h_at_2_20_is_45_weighted_mcu_h_and_99_00():
    weighted = 10 * 3 * D("1.5")
    assert weighted == D("45")
    assert rules.payg_gross(weighted_mcu_hours=weighted, unit_price=D("2.20")) == D("99.00")


def test_pool_starting_on_16th_of_30_day_month_is_15_of_30_days():
    days = rules.served_days(year=2026, month=11, starts_on=dt.date(2026, 11, 16), ends_on=None)
    assert days == 15
    assert rules.pool_gross(quantity=4, unit_price=D("1280"), days=days, days_in_period=30) == D("2560.00")


def test_pool_starting_on_16th_of_31_day_month_is_16_of_31_days_2642_58():
    days = rules.served_days(year=2026, month=12, starts_on=dt.date(2026, 12, 16), ends_on=None)
    assert days == 16
    # 4 × 1280 × 16 / 31 = 2642.5806… → 2642.58
    assert rules.pool_gross(quantity=4, unit_price=D("1280"), days=16, days_in_period=31) == D("2642.58")


def test_pool_ending_mid_month_and_outside_month():
    assert (
        rules.served_days(year=2026, month=3, starts_on=dt.date(2025, 3, 10), ends_on=dt.date(2026, 3, 9))
        == 9
    )
    assert (
        rules.served_days(year=2026, month=4, starts_on=dt.date(2025, 3, 10), ends_on=dt.date(2026, 3, 9))
        == 0
    )


def test_rounding_that_would_leak_a_fen_stays_in_the_lines():
    # Two lines of ¥1.00: each splits 0.94 + 0.06; splitting the ¥2.00 total would give 1.89 + 0.11.
    lines = [rules.line_amounts(gross=D("1.00")), rules.line_amounts(gross=D("1.00"))]
    totals = rules.bill_totals(lines)
    assert (totals["net"], totals["vat"], totals["total"]) == (D("1.88"), D("0.12"), D("2.00"))
    assert split_vat(D("2.00")).net == D("1.89")  # the leak the bill avoids by summing lines


def test_prorating_rounds_once_not_per_mcu():
    # 3 MCU × ¥1,280 × 1/31: per MCU 41.290… → 41.29 × 3 = 123.87; once: 123.870967… → 123.87.
    # 7 MCU × ¥1,080 × 1/31 = 243.870967… → 243.87, while 7 × round(34.8387) = 7 × 34.84 = 243.88.
    assert rules.pool_gross(quantity=7, unit_price=D("1080"), days=1, days_in_period=31) == D("243.87")


def test_half_up_at_the_half_fen():
    # 0.0025 weighted × 2.00 = 0.005 → half-up 0.01
    assert rules.payg_gross(weighted_mcu_hours=D("0.0025"), unit_price=D("2.00")) == D("0.01")


money = st.decimals(
    min_value=D("-100000"), max_value=D("1000000"), places=2, allow_nan=False, allow_infinity=False
)


@given(st.lists(st.tuples(money, st.floats(min_value=0, max_value=1)), min_size=0, max_size=25))
def test_property_lines_add_up_to_the_bill_exactly(items):
    lines = []
    for gross, share in items:
        prepaid = (gross * D(str(round(share, 2)))).quantize(D("0.01")) if gross > 0 else D(0)
        lines.append(rules.line_amounts(gross=gross, prepaid=prepaid))
    totals = rules.bill_totals(lines)
    assert totals["total"] == sum((line["gross"] for line in lines), D(0))
    assert totals["net"] + totals["vat"] == totals["total"]
    assert totals["prepaid"] + totals["amount_due"] == totals["total"]


@given(money)
def test_property_net_plus_vat_is_total_per_line(gross):
    line = rules.line_amounts(gross=gross)
    assert line["net"] + line["vat"] == line["gross"] == gross
    # VAT is 6 % of the net to within one fen of rounding.
    assert abs(line["net"] * D("0.06") - line["vat"]) <= D("0.01")


@given(
    st.integers(min_value=1, max_value=512),
    st.decimals(min_value=D("1"), max_value=D("5000"), places=2),
    st.integers(min_value=2020, max_value=2030),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=31),
)
def test_property_prorated_month_never_exceeds_full_fee(quantity, price, year, month, start_day):
    import calendar

    dim = calendar.monthrange(year, month)[1]
    starts = dt.date(year, month, min(start_day, dim))
    days = rules.served_days(year=year, month=month, starts_on=starts, ends_on=None)
    assert days == dim - starts.day + 1
    part = rules.pool_gross(quantity=quantity, unit_price=price, days=days, days_in_period=dim)
    full = rules.pool_gross(quantity=quantity, unit_price=price, days=dim, days_in_period=dim)
    assert D(0) < part <= full == quantity * price
