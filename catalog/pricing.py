"""Price-order rule of the price book (SPEC R-5.4): pay-as-you-go > monthly > annual per MCU-month.

Pure functions, so the rule is tested by hand-computed cases and property tests without a database.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from catalog.choices import HOURS_PER_MONTH, SalesForm


def month_equivalent(sales_form: str, unit_price: Decimal) -> Decimal:
    """An hourly price × 730 h; monthly and annual prices are already per MCU-month."""
    if sales_form == SalesForm.PAYG:
        return unit_price * HOURS_PER_MONTH
    return unit_price


def price_order_errors(prices: dict[str, Decimal]) -> list[str]:
    """What breaks payg×730 > monthly > annual among the forms present in `prices` (form → unit price)."""
    eq = {form: month_equivalent(form, price) for form, price in prices.items() if price is not None}
    errors = []
    order = [SalesForm.PAYG, SalesForm.MONTHLY, SalesForm.ANNUAL]
    present = [form for form in order if form in eq]
    for higher, lower in zip(present, present[1:], strict=False):
        if not eq[higher] > eq[lower]:
            errors.append(
                _(
                    "%(higher)s must cost more than %(lower)s per MCU-month "
                    "(%(higher_eq)s vs %(lower_eq)s; an hourly price counts 730 hours a month)."
                )
                % {
                    "higher": SalesForm(higher).label,
                    "lower": SalesForm(lower).label,
                    "higher_eq": f"¥{eq[higher]:,.2f}",
                    "lower_eq": f"¥{eq[lower]:,.2f}",
                }
            )
    return errors
