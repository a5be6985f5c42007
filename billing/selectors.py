"""Every non-trivial read of billing. Customer reads take the organization and go through
`accounts.tenancy` (SPEC R-4.5); nothing here returns node, slot, domain code or hardware (R-2.2)."""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from accounts.tenancy import for_org, get_for_org
from billing.choices import PAYG_LOW_FRACTION, PaygLevel
from billing.exceptions import PaygBalanceExhausted
from billing.models import Bill, BillLine, UsageDay
from catalog.choices import SalesForm
from mcu_console.exceptions import InvalidInput
from mcu_console.money import quantize_fen
from mcu_console.timeutil import days_in_month, display_tz, local_today, start_of_local_day
from orders.models import ResourcePool
from scheduler.models import UsageHour

PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")
HOUR = Decimal(3600)


def parse_period(text: str) -> dt.date:
    """'2026-11' → date(2026, 11, 1); anything else is the user's mistake (422)."""
    match = PERIOD_RE.match(text or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InvalidInput(_("A period is written YYYY-MM, e.g. 2026-11."), details={"period": [text]})
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def bills_for_org(org):
    return for_org(Bill, org).order_by("-period")


def bill_for_org(org, period: str) -> Bill:
    try:
        day = parse_period(period)
    except InvalidInput:
        from django.http import Http404

        raise Http404 from None
    return get_for_org(Bill.objects.prefetch_related("lines__region", "lines__corrects"), org, period=day)


def bill_line_for_org(org, bill: Bill, pk) -> BillLine:
    return get_for_org(
        BillLine.objects.select_related("bill", "region", "pool"), org, "bill__organization", bill=bill, pk=pk
    )


def bills_for_period(period: dt.date, status: str | None = None):
    qs = (
        Bill.objects.filter(period=period).select_related("organization").order_by("organization__legal_name")
    )
    if status:
        qs = qs.filter(status=status)
    return qs


# --- drill-down: line → days → workload kinds → workloads --------------------------------------------


def _line_usage(line: BillLine):
    bill = line.bill
    return UsageDay.objects.filter(
        organization_id=bill.organization_id,
        pool_id=line.pool_id,
        day__gte=bill.period,
        day__lte=bill.period_end,
    )


def _coefficient(weighted, allocated) -> Decimal | None:
    """The coefficient actually applied (R-5.2): weighted ÷ allocated MCU·h, to two places."""
    if not allocated:
        return None
    return (Decimal(weighted) / Decimal(allocated)).quantize(Decimal("0.01"))


def line_days(line: BillLine) -> list[dict]:
    if line.pool_id is None:
        return []
    rows = (
        _line_usage(line)
        .values("day")
        .annotate(
            allocated=Sum("allocated_mcu_hours"),
            weighted=Sum("weighted_mcu_hours"),
            busy=Sum("busy_mcu_hours"),
        )
        .order_by("day")
    )
    return list(rows)


def line_kinds(line: BillLine, day: dt.date | None = None) -> list[dict]:
    if line.pool_id is None:
        return []
    qs = _line_usage(line)
    if day is not None:
        qs = qs.filter(day=day)
    rows = (
        qs.values("workload_kind")
        .annotate(
            allocated=Sum("allocated_mcu_hours"),
            weighted=Sum("weighted_mcu_hours"),
            busy=Sum("busy_mcu_hours"),
        )
        .order_by("workload_kind")
    )
    return [{**row, "coefficient": _coefficient(row["weighted"], row["allocated"])} for row in rows]


def _pool_hours(line: BillLine, day: dt.date | None):
    """The metered hours behind a line, attributed the same way as the rollup (billing.attribution)."""
    bill, pool = line.bill, line.pool
    lo, hi = bill.period, bill.period_end + dt.timedelta(days=1)
    if day is not None:
        lo, hi = day, day + dt.timedelta(days=1)
    qs = UsageHour.objects.filter(
        organization_id=bill.organization_id, region_id=pool.region_id,
        hour__gte=start_of_local_day(lo), hour__lt=start_of_local_day(hi),
    )  # fmt: skip
    if pool.sales_form == SalesForm.PAYG:
        own = ResourcePool.objects.filter(organization_id=bill.organization_id).exclude(
            sales_form=SalesForm.PAYG
        )
        return qs.exclude(allocation__reference__in=own.values("allocation_reference"))
    return qs.filter(allocation__reference=pool.allocation_reference)


def line_workloads(line: BillLine, day: dt.date | None = None, kind: str | None = None) -> list[dict]:
    """The individual workloads that consumed a line, with the coefficient applied (idle time as one row)."""
    if line.pool_id is None:
        return []
    qs = _pool_hours(line, day)
    if kind is not None:
        qs = qs.filter(workload_kind=kind)
    rows = (
        qs.values("workload_id", "workload__name", "workload_kind")
        .annotate(
            mcus=Count("mcu", distinct=True),
            allocated_s=Sum("allocated_seconds"),
            weighted=Sum("weighted_mcu_hours"),
        )
        .order_by("-weighted", "workload_id")
    )
    out = []
    for row in rows:
        allocated = (Decimal(row["allocated_s"] or 0) / HOUR).quantize(Decimal("0.0001"))
        out.append(
            {
                "workload_id": row["workload_id"],
                "name": row["workload__name"] or "",
                "kind": row["workload_kind"],
                "mcus": row["mcus"],
                "allocated": allocated,
                "weighted": row["weighted"],
                "coefficient": _coefficient(row["weighted"], allocated),
            }
        )
    return out


# --- MCU consumption detail ------------------------------------------------------------------------------


def consumption_detail(
    org, *, start: dt.date, end: dt.date, region=None, kind: str | None = None, mcu: str = ""
):
    """Per MCU, per local day, per workload kind (issue 7 §4): a lazy, ordered queryset of dicts."""
    qs = for_org(UsageHour, org).filter(hour__gte=start_of_local_day(start), hour__lt=start_of_local_day(end))
    if region is not None:
        qs = qs.filter(region=region)
    if kind is not None:
        qs = qs.filter(workload_kind=kind)
    if mcu:
        qs = qs.filter(mcu__public_id__icontains=mcu.strip())
    return (
        qs.annotate(day=TruncDate("hour", tzinfo=display_tz()))
        .values("day", "mcu__public_id", "region__name", "workload_kind")
        .annotate(
            allocated_s=Sum("allocated_seconds"),
            busy_s=Sum("busy_seconds"),
            weighted=Sum("weighted_mcu_hours"),
        )
        .order_by("day", "mcu__public_id", "workload_kind")
    )


def consumption_row(row: dict) -> dict:
    allocated = (Decimal(row["allocated_s"] or 0) / HOUR).quantize(Decimal("0.0001"))
    return {
        "day": row["day"],
        "mcu": row["mcu__public_id"],
        "region": row["region__name"],
        "kind": row["workload_kind"],
        "allocated": allocated,
        "busy": (Decimal(row["busy_s"] or 0) / HOUR).quantize(Decimal("0.0001")),
        "weighted": row["weighted"],
        "coefficient": _coefficient(row["weighted"], allocated),
    }


# --- pay-as-you-go balance ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaygBalance:
    deposit: Decimal
    consumed: Decimal
    remaining: Decimal
    weighted_mcu_hours: Decimal

    @property
    def fraction_left(self) -> Decimal:
        if self.deposit <= 0:
            return Decimal(0)
        return max(Decimal(0), self.remaining / self.deposit)

    @property
    def level(self) -> str | None:
        """None while above 20 % of the deposit; 'low' at or below 20 %; 'exhausted' at zero or below."""
        if self.remaining <= 0:
            return PaygLevel.EXHAUSTED
        if self.remaining <= self.deposit * Decimal(PAYG_LOW_FRACTION):
            return PaygLevel.LOW
        return None


def payg_balance(resource_pool: ResourcePool) -> PaygBalance:
    """Deposit minus consumption to date (weighted MCU·h × hourly price), read live from the metered hours.

    Public interface (docs/interfaces.md): the scheduler writes usage hourly, so this is at most an hour old.
    """
    pool = resource_pool
    own = ResourcePool.objects.filter(organization_id=pool.organization_id).exclude(sales_form=SalesForm.PAYG)
    qs = UsageHour.objects.filter(
        organization_id=pool.organization_id,
        region_id=pool.region_id,
        hour__gte=start_of_local_day(pool.starts_on),
    ).exclude(allocation__reference__in=own.values("allocation_reference"))
    if pool.ends_on is not None:
        qs = qs.filter(hour__lt=start_of_local_day(pool.ends_on + dt.timedelta(days=1)))
    weighted = qs.aggregate(w=Sum("weighted_mcu_hours"))["w"] or Decimal(0)
    consumed = quantize_fen(weighted * pool.unit_price)
    return PaygBalance(
        deposit=pool.deposit,
        consumed=consumed,
        remaining=pool.deposit - consumed,
        weighted_mcu_hours=weighted,
    )


def payg_pools_for_org(org, today: dt.date | None = None):
    today = today or local_today()
    return (
        for_org(ResourcePool, org)
        .filter(sales_form=SalesForm.PAYG, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("region")
    )


def payg_balances_for_org(org) -> list[tuple[ResourcePool, PaygBalance]]:
    return [(pool, payg_balance(pool)) for pool in payg_pools_for_org(org)]


def payg_check_can_start(*, organization, region) -> None:
    """Refuse a new pay-as-you-go workload when the region's deposit is used up (issue 7).

    Called by whoever submits workloads (assets), since billing sits above the scheduler. Raises
    `PaygBalanceExhausted` (409) with a message for the customer; returns None when it may start.
    """
    pools = list(payg_pools_for_org(organization).filter(region=region))
    if not pools:
        raise PaygBalanceExhausted(
            _("There is no pay-as-you-go account in this region. Order pay-as-you-go capacity first."),
            code="payg_no_account",
        )
    if all(payg_balance(pool).remaining <= 0 for pool in pools):
        raise PaygBalanceExhausted(
            _(
                "Your pay-as-you-go deposit in %(region)s is used up: new pay-as-you-go workloads are "
                "refused "
                "until it is topped up. Please contact sales."
            )
            % {"region": region.name}  # fmt: skip
        )


def month_choices(org, count: int = 12) -> list[dt.date]:
    today = local_today()
    first = today.replace(day=1)
    months = []
    for _i in range(count):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return months


def month_end(period: dt.date) -> dt.date:
    return period.replace(day=days_in_month(period.year, period.month))
