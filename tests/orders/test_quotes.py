"""Quotes (SPEC R-3.2, R-5.4): hand-computed cases, every kind of bad input, and property tests."""

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.models import PriceBookEntry
from mcu_console.exceptions import InvalidInput
from orders.quotes import quote_build
from tests.orders.ordering import line


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English (the msgids); the console's default language is zh-Hans."""
    with translation.override("en"):
        yield


def test_done_when_example_matches_the_hand_calculation(regions):
    """8 MCU tightly-coupled in Hangzhou + 4 MCU normal in Beijing, annual 12 months (issue 4, Done when).

    Monthly fee: 8 × 1,080 + 4 × 1,080 = 8,640 + 4,320 = 12,960. Annual pool, paid yearly: due 12 × 12,960 =
    155,520. VAT 6 % included: net = 155,520 / 1.06 = 146,716.981… → 146,716.98; VAT = 8,803.02.
    Promised compute 12 × 125 = 1,500 TFLOPS.
    """
    quote = quote_build(
        lines=[
            line("cn-east-hz", 8, "tightly_coupled", "annual", term_months=12),
            line("cn-north-bj", 4, "normal", "annual", term_months=12),
        ]
    )
    assert [ln.monthly_fee for ln in quote.lines] == [Decimal("8640.00"), Decimal("4320.00")]
    assert [ln.amount_due for ln in quote.lines] == [Decimal("103680.00"), Decimal("51840.00")]
    assert quote.monthly_fee == Decimal("12960.00")
    assert quote.amount_due == Decimal("155520.00")
    assert quote.term_value == Decimal("155520.00")
    assert quote.vat.net == Decimal("146716.98")
    assert quote.vat.vat == Decimal("8803.02")
    assert quote.pool_mcus == 12
    assert quote.promised_tflops == 1500
    assert [(s.region.code, s.amount_due) for s in quote.regions] == [
        ("cn-east-hz", Decimal("103680.00")),
        ("cn-north-bj", Decimal("51840.00")),
    ]
    assert quote.orderable and quote.problems == []
    assert all(ln.hint == "" for ln in quote.lines)


def test_monthly_pool_is_due_one_month_and_hints_at_multiples_of_4(regions):
    # 5 × 1,280 = 6,400 a month; term 3 months = 19,200; due before delivery: the first month.
    quote = quote_build(lines=[line(quantity=5, domain_kind="normal", sales_form="monthly", term_months=3)])
    (ln,) = quote.lines
    assert (ln.monthly_fee, ln.term_value, ln.amount_due) == (
        Decimal("6400.00"),
        Decimal("19200.00"),
        Decimal("6400.00"),
    )
    assert "8" in ln.hint  # the next multiple of 4


def test_annual_24_months_is_still_due_one_year(regions):
    quote = quote_build(lines=[line(quantity=4, sales_form="annual", term_months=24)])
    assert quote.lines[0].term_value == Decimal("103680.00")  # 4 × 1,080 × 24
    assert quote.amount_due == Decimal("51840.00")  # 4 × 1,080 × 12


def test_payg_is_due_its_deposit_and_holds_nothing(regions):
    # Ceiling 10 MCU at ¥2.20/MCU·h: the deposit must cover 10 × 2.20 × 24 = ¥528.00.
    quote = quote_build(lines=[line(quantity=10, domain_kind="normal", sales_form="payg", deposit="1000")])
    (ln,) = quote.lines
    assert (ln.unit_price, ln.monthly_fee, ln.amount_due) == (Decimal("2.20"), 0, Decimal("1000.00"))
    assert not ln.holds_capacity
    assert quote.pool_mcus == 0 and quote.payg_ceiling == 10 and quote.promised_tflops == 0
    with pytest.raises(InvalidInput, match="528.00"):
        quote_build(lines=[line(quantity=10, domain_kind="normal", sales_form="payg", deposit="527.99")])


def test_price_comes_from_the_book_in_force(regions):
    import datetime as dt

    PriceBookEntry.objects.create(
        region=regions.hz, sales_form="annual", unit_price=Decimal("999.00"), valid_from=dt.date(2030, 1, 1)
    )
    today = quote_build(lines=[line(quantity=4)])
    later = quote_build(lines=[line(quantity=4)], day=dt.date(2030, 1, 1))
    assert today.lines[0].unit_price == Decimal("1080.00")
    assert later.lines[0].unit_price == Decimal("999.00")


def test_a_price_sent_by_the_client_is_never_used(regions):
    same = quote_build(lines=[line(quantity=4, unit_price="1080")])
    assert same.lines[0].unit_price == Decimal("1080.00")
    with pytest.raises(InvalidInput) as exc:
        quote_build(lines=[line(quantity=4, unit_price="1")])
    assert "unit_price" in exc.value.details["lines"]["0"]
    assert "1,080.00" in exc.value.message


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -4}, "quantity"),
        ({"quantity": 2.5}, "quantity"),
        ({"quantity": "8.5"}, "quantity"),
        ({"quantity": "eight"}, "quantity"),
        ({"quantity": True}, "quantity"),
        ({"quantity": None}, "quantity"),
        ({"quantity": 10**9}, "quantity"),
        ({"region": "mars-1"}, "region"),
        ({"region": ""}, "region"),
        ({"sales_form": "lease"}, "sales_form"),
        ({"domain_kind": "loose"}, "domain_kind"),
        ({"sales_form": "annual", "term_months": 6}, "term_months"),
        ({"sales_form": "monthly", "term_months": 0}, "term_months"),
        ({"sales_form": "monthly", "term_months": 37}, "term_months"),
        ({"sales_form": "monthly", "term_months": None}, "term_months"),
        ({"sales_form": "payg", "deposit": None}, "deposit"),
        ({"sales_form": "payg", "deposit": "-5"}, "deposit"),
        ({"sales_form": "payg", "deposit": "100.001"}, "deposit"),
        ({"sales_form": "payg", "deposit": "NaN"}, "deposit"),
    ],
)
def test_bad_lines_are_refused_with_the_field_named(regions, bad, field):
    with pytest.raises(InvalidInput) as exc:
        quote_build(lines=[line(quantity=4, domain_kind="normal") | bad])
    assert field in exc.value.details["lines"]["0"]
    assert exc.value.status == 422


def test_empty_and_oversized_orders_are_refused(regions):
    with pytest.raises(InvalidInput, match="at least one line"):
        quote_build(lines=[])
    with pytest.raises(InvalidInput):
        quote_build(lines=[line(quantity=4)] * 21)
    with pytest.raises(InvalidInput):
        quote_build(lines="8 MCU please")


def test_the_second_bad_line_is_named(regions):
    with pytest.raises(InvalidInput) as exc:
        quote_build(lines=[line(quantity=4), line(quantity=0)])
    assert list(exc.value.details["lines"]) == ["1"]
    assert exc.value.message.startswith("Line 2")


def test_quote_flags_capacity_it_cannot_hold(regions):
    # Hangzhou's largest tightly-coupled domain has 32 slots: a 40 MCU line (< 64) cannot be one block.
    quote = quote_build(lines=[line(quantity=40)])
    assert not quote.orderable
    assert "one domain" in quote.lines[0].availability_problem
    assert quote_build(lines=[line(quantity=32)]).orderable
    assert not quote_build(lines=[line("cn-north-bj", 12, "normal")]).orderable


line_strategy = st.fixed_dictionaries(
    {
        "region": st.sampled_from(["cn-east-hz", "cn-north-bj"]),
        "quantity": st.integers(1, 200),
        "domain_kind": st.sampled_from(["normal", "tightly_coupled"]),
        "sales_form": st.sampled_from(["annual", "monthly", "payg"]),
        "term_months": st.sampled_from([12, 24, 36]),
        "deposit": st.integers(11_000, 10**6).map(str),  # ≥ 200 MCU × ¥2.20 × 24 h
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(line_strategy, min_size=1, max_size=6))
def test_totals_are_sums_of_lines_and_vat_adds_up(regions, lines):
    """I-4: order total = Σ line amounts; net + VAT = total; monthly fee = Σ quantity × unit price (pools)."""
    quote = quote_build(lines=lines, check_capacity=False)
    assert quote.amount_due == sum(ln.amount_due for ln in quote.lines)
    assert quote.amount_due == sum(s.amount_due for s in quote.regions)
    assert quote.vat.net + quote.vat.vat == quote.amount_due
    for ln in quote.lines:
        if ln.sales_form == "payg":
            assert ln.amount_due == Decimal(ln.deposit)
        else:
            assert ln.monthly_fee == ln.quantity * ln.unit_price
            months = 12 if ln.sales_form == "annual" else 1
            assert ln.amount_due == ln.monthly_fee * months
            assert ln.term_value == ln.monthly_fee * ln.term_months
    assert quote.promised_tflops == 125 * sum(ln.quantity for ln in quote.lines if ln.sales_form != "payg")
