"""Server-side quotes (SPEC R-3.2, R-5.4): validate order lines and price them from the price book.

The console's configurator, the API's POST /quotes and order placement all call `quote_build`, so a
quote and the order placed from it always agree. A price sent by a client is never used.

Amount due before delivery (R-5.4 decision): annual pool = 12 × monthly fee (paid yearly);
monthly pool = the first month's fee; pay-as-you-go = the agreed prepaid deposit.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _

from catalog.choices import CLUSTER_MIN_MCUS, DomainKind, SalesForm
from catalog.models import PriceBookEntry, Region
from catalog.selectors import prices_in_force, regions_on_sale
from catalog.spec import promised_tflops
from mcu_console.exceptions import InvalidInput
from mcu_console.money import VatSplit, quantize_fen, split_vat
from mcu_console.timeutil import local_today
from scheduler.selectors import orderable

MAX_LINES = 20
MAX_LINE_QUANTITY = 4096  # more than any region holds: larger requests are typing mistakes
ANNUAL_TERMS = (12, 24, 36)
MONTHLY_TERM_RANGE = (1, 36)
MAX_DEPOSIT = Decimal("100000000.00")
DEPOSIT_MIN_HOURS = 24  # a pay-as-you-go deposit covers at least one day at the MCU ceiling
PREPAID_MONTHS_ANNUAL = 12


@dataclass
class QuoteLine:
    index: int
    region: Region
    quantity: int
    domain_kind: str
    sales_form: str
    term_months: int | None
    deposit: Decimal
    price: PriceBookEntry
    monthly_fee: Decimal
    term_value: Decimal
    amount_due: Decimal
    hint: str = ""  # not an error: e.g. "multiples of 4 are recommended"
    availability_problem: str = ""

    @property
    def unit_price(self) -> Decimal:
        return self.price.unit_price

    @property
    def holds_capacity(self) -> bool:
        """Pay-as-you-go MCUs are allocated when workloads run; nothing is held for them (issue 4 §5)."""
        return self.sales_form != SalesForm.PAYG

    @property
    def domain_kind_label(self):
        return DomainKind(self.domain_kind).label

    @property
    def sales_form_label(self):
        return SalesForm(self.sales_form).label


@dataclass
class RegionSubtotal:
    region: Region
    pool_mcus: int = 0
    payg_ceiling: int = 0
    monthly_fee: Decimal = Decimal("0.00")
    amount_due: Decimal = Decimal("0.00")


@dataclass
class Quote:
    lines: list[QuoteLine]
    regions: list[RegionSubtotal]
    monthly_fee: Decimal
    term_value: Decimal
    amount_due: Decimal
    vat: VatSplit
    pool_mcus: int
    payg_ceiling: int
    priced_on: dt.date
    problems: list[str] = field(default_factory=list)

    @property
    def promised_tflops(self) -> int:
        return promised_tflops(self.pool_mcus)

    @property
    def orderable(self) -> bool:
        return not any(line.availability_problem for line in self.lines)


def _int(value, name: str, errors: dict) -> int | None:
    if isinstance(value, bool) or value is None or value == "":
        errors[name] = _("Enter a whole number.")
        return None
    if isinstance(value, int):
        return value
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors[name] = _("Enter a whole number.")
        return None
    if number != number.to_integral_value() or not number.is_finite():
        errors[name] = _("Enter a whole number.")
        return None
    return int(number)


def _validate_line(raw: dict, regions: dict[str, Region]) -> tuple[dict, dict]:
    """Clean one line; returns (values, field errors)."""
    errors: dict[str, str] = {}
    values: dict = {}
    if not isinstance(raw, dict):
        return values, {"__all__": _("A line must be an object of fields.")}
    region = regions.get(str(raw.get("region") or "").strip())
    if region is None:
        errors["region"] = _("Unknown region.")
    values["region"] = region

    quantity = _int(raw.get("quantity"), "quantity", errors)
    if quantity is not None:
        if quantity <= 0:
            errors["quantity"] = _("The quantity must be at least 1 MCU.")
        elif quantity > MAX_LINE_QUANTITY:
            errors["quantity"] = _("At most %(max)d MCU per line; contact sales for more.") % {
                "max": MAX_LINE_QUANTITY
            }
    values["quantity"] = quantity

    domain_kind = raw.get("domain_kind") or DomainKind.NORMAL
    if domain_kind not in DomainKind.values:
        errors["domain_kind"] = _("Unknown scheduling domain: choose normal or tightly-coupled.")
    values["domain_kind"] = domain_kind

    sales_form = raw.get("sales_form")
    if sales_form not in SalesForm.values:
        errors["sales_form"] = _("Unknown sales form: choose annual, monthly or pay-as-you-go.")
    values["sales_form"] = sales_form

    term = raw.get("term_months")
    values["term_months"] = None
    values["deposit"] = Decimal("0.00")
    if sales_form == SalesForm.ANNUAL:
        term = 12 if term in (None, "") else _int(term, "term_months", errors)
        if term is not None and term not in ANNUAL_TERMS:
            errors["term_months"] = _("An annual pool runs 12, 24 or 36 months.")
        values["term_months"] = term
    elif sales_form == SalesForm.MONTHLY:
        term = _int(term, "term_months", errors) if term not in (None, "") else None
        low, high = MONTHLY_TERM_RANGE
        if term is None and "term_months" not in errors:
            errors["term_months"] = _("Enter the term in months.")
        elif term is not None and not low <= term <= high:
            errors["term_months"] = _("A monthly pool runs 1 to 36 months.")
        values["term_months"] = term
    elif sales_form == SalesForm.PAYG:
        try:
            deposit = Decimal(str(raw.get("deposit")).strip())
            if not deposit.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors["deposit"] = _("Enter the prepaid deposit in yuan.")
        else:
            if deposit != quantize_fen(deposit):
                errors["deposit"] = _("The deposit has at most two decimal places (fen).")
            elif deposit <= 0 or deposit > MAX_DEPOSIT:
                errors["deposit"] = _("Enter a deposit between ¥0.01 and ¥100,000,000.")
            values["deposit"] = deposit
    return values, errors


def _line_problem(values: dict) -> str:
    """A capacity problem the customer can act on, or ''."""
    quantity, kind = values["quantity"], values["domain_kind"]
    if orderable(region=values["region"], domain_kind=kind, quantity=quantity):
        return ""
    if kind == DomainKind.TIGHTLY_COUPLED and quantity < CLUSTER_MIN_MCUS:
        return _("Not enough capacity: a tightly-coupled line below 64 MCU must fit in one domain.")
    return _("Not enough capacity in this region for this line.")


def quote_build(*, lines, day: dt.date | None = None, check_capacity: bool = True) -> Quote:
    """Validate and price `lines` (dicts of region code, quantity, domain_kind, sales_form, term_months,
    deposit). Raises InvalidInput with per-line field errors in `details["lines"]`."""
    if not isinstance(lines, list | tuple) or not lines:
        raise InvalidInput(_("An order needs at least one line."), code="empty_order")
    if len(lines) > MAX_LINES:
        raise InvalidInput(_("At most %(max)d lines per order.") % {"max": MAX_LINES}, code="too_many_lines")
    day = day or local_today()
    regions = {r.code: r for r in regions_on_sale()}
    prices = prices_in_force(day=day, regions=list(regions.values()))
    cleaned, line_errors = [], {}
    for i, raw in enumerate(lines):
        values, errors = _validate_line(raw, regions)
        if not errors:
            price = prices.get(values["region"].pk, {}).get(values["sales_form"])
            if price is None:
                errors["sales_form"] = _("This sales form has no price in this region yet.")
            values["price"] = price
            client_price = raw.get("unit_price")
            if price is not None and client_price not in (None, ""):
                try:
                    matches = Decimal(str(client_price)) == price.unit_price
                except InvalidOperation:
                    matches = False
                if not matches:
                    errors["unit_price"] = _(
                        "Prices come from the price book; the current price is ¥%(price)s."
                    ) % {"price": f"{price.unit_price:,.2f}"}
        if not errors and values["sales_form"] == SalesForm.PAYG:
            minimum = quantize_fen(values["quantity"] * values["price"].unit_price * DEPOSIT_MIN_HOURS)
            if values["deposit"] < minimum:
                errors["deposit"] = _(
                    "The deposit must cover at least one day at the MCU ceiling: ¥%(min)s."
                ) % {"min": f"{minimum:,.2f}"}
        if errors:
            line_errors[i] = errors
        cleaned.append(values)
    if line_errors:
        first = next(iter(line_errors.values()))
        message = "; ".join(str(m) for m in first.values())
        raise InvalidInput(
            _("Line %(n)d: %(message)s") % {"n": next(iter(line_errors)) + 1, "message": message},
            details={"lines": {str(i): errs for i, errs in line_errors.items()}},
        )
    return _price(cleaned, day=day, check_capacity=check_capacity)


def _price(cleaned: list[dict], *, day: dt.date, check_capacity: bool) -> Quote:
    quote_lines, by_region = [], {}
    for i, v in enumerate(cleaned):
        unit_price = v["price"].unit_price
        if v["sales_form"] == SalesForm.PAYG:
            monthly_fee = term_value = Decimal("0.00")
            amount_due = v["deposit"]
        else:
            monthly_fee = quantize_fen(v["quantity"] * unit_price)
            term_value = monthly_fee * v["term_months"]
            months_due = PREPAID_MONTHS_ANNUAL if v["sales_form"] == SalesForm.ANNUAL else 1
            amount_due = monthly_fee * months_due
        line = QuoteLine(
            index=i,
            region=v["region"],
            quantity=v["quantity"],
            domain_kind=v["domain_kind"],
            sales_form=v["sales_form"],
            term_months=v["term_months"],
            deposit=v["deposit"],
            price=v["price"],
            monthly_fee=monthly_fee,
            term_value=term_value,
            amount_due=amount_due,
        )
        if v["quantity"] % 4:
            line.hint = _("Multiples of 4 MCU are recommended (e.g. %(n)d).") % {
                "n": (v["quantity"] // 4 + 1) * 4
            }
        if check_capacity and line.holds_capacity:
            line.availability_problem = _line_problem(v)
        quote_lines.append(line)
        sub = by_region.setdefault(v["region"].pk, RegionSubtotal(region=v["region"]))
        if line.holds_capacity:
            sub.pool_mcus += line.quantity
        else:
            sub.payg_ceiling += line.quantity
        sub.monthly_fee += monthly_fee
        sub.amount_due += amount_due
    amount_due = sum((ln.amount_due for ln in quote_lines), Decimal("0.00"))
    return Quote(
        lines=quote_lines,
        regions=sorted(by_region.values(), key=lambda s: (s.region.sort_order, s.region.code)),
        monthly_fee=sum((ln.monthly_fee for ln in quote_lines), Decimal("0.00")),
        term_value=sum((ln.term_value for ln in quote_lines), Decimal("0.00")),
        amount_due=amount_due,
        vat=split_vat(amount_due, settings.VAT_RATE),
        pool_mcus=sum(ln.quantity for ln in quote_lines if ln.holds_capacity),
        payg_ceiling=sum(ln.quantity for ln in quote_lines if not ln.holds_capacity),
        priced_on=day,
        problems=[
            _("Line %(n)d: %(p)s") % {"n": ln.index + 1, "p": ln.availability_problem}
            for ln in quote_lines
            if ln.availability_problem
        ],
    )
