"""The billing arithmetic, pure and Decimal-only (SPEC R-5.3–R-5.6; written down in docs/billing.md).

- A pool line is MCU × unit price (VAT incl., per MCU-month) × days served in the month / days in the month,
  rounded once to the fen, half-up. A pool serves from `starts_on` to `ends_on` inclusive (local days).
- A pay-as-you-go line is weighted MCU·h in the month × hourly price, rounded once to the fen, half-up.
- Each line is split into amount before tax and VAT with `split_vat`; the bill is the sum of its lines.
"""

import datetime as dt
from decimal import Decimal

from mcu_console.money import quantize_fen, split_vat
from mcu_console.timeutil import days_in_month


def served_days(*, year: int, month: int, starts_on: dt.date, ends_on: dt.date | None) -> int:
    """Days of the month on which the pool was in service (both ends inclusive)."""
    first = dt.date(year, month, 1)
    last = first.replace(day=days_in_month(year, month))
    lo = max(first, starts_on)
    hi = last if ends_on is None else min(last, ends_on)
    return max(0, (hi - lo).days + 1)


def pool_gross(*, quantity: int, unit_price: Decimal, days: int, days_in_period: int) -> Decimal:
    """Monthly fee of a pool, prorated by day; one rounding at the end so no fen leaks per MCU or day."""
    return quantize_fen(Decimal(quantity) * unit_price * Decimal(days) / Decimal(days_in_period))


def payg_gross(*, weighted_mcu_hours: Decimal, unit_price: Decimal) -> Decimal:
    return quantize_fen(weighted_mcu_hours * unit_price)


def line_amounts(*, gross: Decimal, prepaid: Decimal = Decimal(0)) -> dict:
    """net, vat, gross, prepaid, amount_due of one line: net + vat = gross, prepaid + due = gross."""
    split = split_vat(gross)
    prepaid = quantize_fen(prepaid)
    return {
        "net": split.net,
        "vat": split.vat,
        "gross": split.gross,
        "prepaid": prepaid,
        "amount_due": split.gross - prepaid,
    }


def bill_totals(lines) -> dict:
    """The bill is the sum of its lines (DESIGN I-4) — never a second rounding of the total."""
    keys = ("net", "vat", "gross", "prepaid", "amount_due")
    sums = {key: sum((Decimal(line[key]) for line in lines), Decimal("0.00")) for key in keys}
    return {
        "net": sums["net"],
        "vat": sums["vat"],
        "total": sums["gross"],
        "prepaid": sums["prepaid"],
        "amount_due": sums["amount_due"],
    }
