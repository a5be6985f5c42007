"""Money in one place: Decimal CNY to the fen, half-up (SPEC R-5.6, DESIGN I-4).

Prices include VAT; the amount before tax is derived from the total so that
`net + vat == gross` always holds to the fen.
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

CURRENCY = "CNY"
DECIMAL_PLACES = 2
MAX_DIGITS = 14
FEN = Decimal("0.01")
VAT_RATE = Decimal("0.06")


def quantize_fen(value: Decimal | int | str) -> Decimal:
    """Round to the fen, half-up. Floats are refused: they cannot hold money exactly."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


class VatSplit(NamedTuple):
    net: Decimal
    vat: Decimal
    gross: Decimal


def split_vat(gross: Decimal, rate: Decimal = VAT_RATE) -> VatSplit:
    """Split a VAT-inclusive amount: net = gross / (1 + rate) to the fen; vat = gross - net."""
    gross = quantize_fen(gross)
    net = quantize_fen(gross / (Decimal(1) + rate))
    return VatSplit(net=net, vat=gross - net, gross=gross)


def format_cny(value: Decimal) -> str:
    """¥1,234.50 — for plain-text places (CSV, PDF); templates use the `cny` filter."""
    value = quantize_fen(value)
    sign = "-" if value < 0 else ""
    return f"{sign}¥{abs(value):,.2f}"
