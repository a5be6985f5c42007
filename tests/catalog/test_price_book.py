"""The price book (SPEC R-5.4): defaults, effective dates, and payg×730 > monthly > annual per MCU-month."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from catalog.admin import PriceBookEntryForm
from catalog.models import PriceBookEntry, Region
from catalog.pricing import month_equivalent, price_order_errors
from catalog.selectors import price_in_force, prices_in_force
from catalog.services import DEFAULT_PRICES, price_book_ensure_defaults
from tests.factories import make_staff

D = Decimal


def test_defaults_are_in_the_right_order():
    # 2.20 × 730 = 1,606 > 1,280 > 1,080
    assert month_equivalent("payg", D("2.20")) == D("1606.00")
    assert price_order_errors(dict(DEFAULT_PRICES)) == []


@pytest.mark.parametrize(
    "prices, broken",
    [
        ({"annual": D("1280"), "monthly": D("1280"), "payg": D("2.20")}, 1),  # monthly not above annual
        ({"annual": D("1080"), "monthly": D("1280"), "payg": D("1.75")}, 1),  # 1.75 × 730 = 1,277.50 < 1,280
        ({"annual": D("1080"), "monthly": D("1280"), "payg": D("1.7534")}, 1),  # 1,279.98 < 1,280
        ({"annual": D("1080"), "monthly": D("1280"), "payg": D("1.7535")}, 0),  # 1,280.055 > 1,280
        ({"annual": D("2000"), "payg": D("2.20")}, 1),  # no monthly price: payg still above annual
        ({"annual": D("1500"), "monthly": D("1000"), "payg": D("1.00")}, 2),
    ],
)
def test_price_order_hand_cases(prices, broken):
    assert len(price_order_errors(prices)) == broken


@given(
    annual=st.decimals(min_value=1, max_value=10_000, places=2),
    monthly=st.decimals(min_value=1, max_value=10_000, places=2),
    payg=st.decimals(min_value=D("0.01"), max_value=100, places=2),
)
def test_price_order_rule_is_exactly_the_strict_chain(annual, monthly, payg):
    ok = payg * 730 > monthly > annual
    assert (price_order_errors({"annual": annual, "monthly": monthly, "payg": payg}) == []) is ok


def test_ensure_defaults_is_idempotent_and_keeps_existing_prices(db):
    hz = Region.objects.create(code="cn-east-hz", name="华东-杭州")
    PriceBookEntry.objects.create(
        region=hz, sales_form="annual", unit_price=D("999.00"), valid_from=dt.date(2026, 1, 1)
    )
    assert price_book_ensure_defaults() == 2
    assert price_book_ensure_defaults() == 0
    table = prices_in_force(day=dt.date(2026, 6, 1))[hz.pk]
    assert {form: e.unit_price for form, e in table.items()} == {
        "annual": D("999.00"),
        "monthly": D("1280.00"),
        "payg": D("2.20"),
    }
    assert table["payg"].unit == "mcu_hour" and table["annual"].unit == "mcu_month"


def test_effective_dates_pick_the_latest_entry_not_in_the_future(regions):
    PriceBookEntry.objects.create(
        region=regions.hz, sales_form="annual", unit_price=D("1000.00"), valid_from=dt.date(2027, 3, 1)
    )
    assert price_in_force(region=regions.hz, sales_form="annual", day=dt.date(2027, 2, 28)).unit_price == D(
        "1080.00"
    )
    assert price_in_force(region=regions.hz, sales_form="annual", day=dt.date(2027, 3, 1)).unit_price == D(
        "1000.00"
    )
    assert price_in_force(region=regions.hz, sales_form="annual", day=dt.date(2025, 12, 31)) is None
    assert prices_in_force(day=dt.date(2027, 3, 1))[regions.bj.pk]["annual"].unit_price == D("1080.00")


def test_clean_refuses_an_entry_that_breaks_the_order_on_its_date(regions):
    bad = PriceBookEntry(
        region=regions.hz, sales_form="monthly", unit_price=D("1000.00"), valid_from=dt.date(2027, 1, 1)
    )
    with pytest.raises(ValidationError) as exc:
        bad.full_clean()
    assert "2027-01-01" in str(exc.value)
    # Lowering the annual price at the same time first makes room for it.
    PriceBookEntry.objects.create(
        region=regions.hz, sales_form="annual", unit_price=D("900.00"), valid_from=dt.date(2027, 1, 1)
    )
    bad.full_clean()


def test_clean_checks_later_changes_too(regions):
    # A monthly cut to 1,200 from 2027-06-01 is fine today, but not once annual rises to 1,250 on 2027-09-01.
    PriceBookEntry.objects.create(
        region=regions.hz, sales_form="annual", unit_price=D("1250.00"), valid_from=dt.date(2027, 9, 1)
    )
    entry = PriceBookEntry(
        region=regions.hz, sales_form="monthly", unit_price=D("1200.00"), valid_from=dt.date(2027, 6, 1)
    )
    with pytest.raises(ValidationError, match="2027-09-01"):
        entry.full_clean()


def test_admin_form_refuses_past_dates_and_validates_the_order(regions):
    form = PriceBookEntryForm(
        data={
            "region": regions.hz.pk,
            "sales_form": "annual",
            "unit_price": "1000",
            "valid_from": "2020-01-01",
        }
    )
    assert not form.is_valid() and "valid_from" in form.errors
    form = PriceBookEntryForm(
        data={
            "region": regions.hz.pk,
            "sales_form": "annual",
            "unit_price": "1300",
            "valid_from": "2030-01-01",
        }
    )
    assert not form.is_valid() and "unit_price" in form.errors
    form = PriceBookEntryForm(
        data={
            "region": regions.hz.pk,
            "sales_form": "annual",
            "unit_price": "1000",
            "valid_from": "2030-01-01",
        }
    )
    assert form.is_valid(), form.errors


def test_sales_staff_add_a_price_in_the_admin_and_cannot_edit_one_in_force(regions, client):
    from django.contrib.auth.models import Group

    from accounts.roles import sync_staff_groups

    sync_staff_groups()
    assert Group.objects.filter(name="sales").exists()
    client.force_login(make_staff("sales"))
    response = client.post(
        "/admin/catalog/pricebookentry/add/",
        {
            "region": regions.hz.pk,
            "sales_form": "annual",
            "unit_price": "1050.00",
            "valid_from": "2030-01-01",
            "note": "x",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = PriceBookEntry.objects.get(valid_from=dt.date(2030, 1, 1))
    assert entry.created_by is not None and entry.unit == "mcu_month"
    in_force = PriceBookEntry.objects.get(
        region=regions.hz, sales_form="annual", valid_from=dt.date(2026, 1, 1)
    )
    client.post(
        f"/admin/catalog/pricebookentry/{in_force.pk}/change/",
        {"region": regions.hz.pk, "sales_form": "annual", "unit_price": "1.00", "valid_from": "2026-01-01"},
    )
    in_force.refresh_from_db()
    assert in_force.unit_price == D("1080.00")
