"""Reads behind the asset dashboard (SPEC R-3.5): a composition of scheduler, orders and billing data.

Everything here is read-only and scoped to one organization through `accounts.tenancy.for_org`.
The dashboard issues a fixed number of queries whatever the number of MCUs: the MCUs are read in
one query (with a "busy" flag from a subquery) and every count is made from those rows in Python.
Customer-facing rows never carry hardware: no node, slot, domain code or GPU model (R-2.2).
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Sum
from django.db.models.functions import TruncDate, TruncHour, TruncMinute
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.tenancy import for_org
from billing import selectors as billing_selectors
from catalog.choices import SalesForm
from catalog.models import Region
from mcu_console.exceptions import InvalidInput
from mcu_console.money import quantize_fen
from mcu_console.timeutil import days_in_month, display_tz, local_today, start_of_local_day
from orders.models import ResourcePool
from scheduler.choices import ACTIVE_MCU_STATUSES, McuStatus, WorkloadKind, WorkloadStatus
from scheduler.models import Mcu, Transition, UsageHour, Workload

EXPIRING_DAYS = 30  # a pool ending within this many days is "expiring soon"
RUNNING_WORKLOAD_STATUSES = (WorkloadStatus.RUNNING, WorkloadStatus.RECOVERING)
HEALTH_STATUSES = (McuStatus.NORMAL, McuStatus.WARNING, McuStatus.MIGRATING, McuStatus.PROVISIONING)
TREND_DAYS = 7
IDLE = "idle"  # the trend's name for allocated time with no workload (UsageHour.workload_kind == "")
KIND_LABELS = {IDLE: gettext_lazy("Idle (allocated)"), **dict(WorkloadKind.choices)}
SECONDS_PER_HOUR = Decimal(3600)
MCU_HOUR_PLACES = Decimal("0.01")


def mcu_hours(seconds) -> Decimal:
    """Allocated seconds → MCU·h to two places (R-5.1)."""
    return (Decimal(seconds or 0) / SECONDS_PER_HOUR).quantize(MCU_HOUR_PLACES)


def ratio(part, whole) -> Decimal | None:
    """part / whole as a percentage to one place, None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part or 0) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


# --- pools (what was bought) -----------------------------------------------------------------------


class PoolState:
    UPCOMING = "upcoming"
    ACTIVE = "active"
    EXPIRING = "expiring"
    EXPIRED = "expired"

    LABELS = {
        UPCOMING: gettext_lazy("Not started"),
        ACTIVE: gettext_lazy("Active"),
        EXPIRING: gettext_lazy("Expiring soon"),
        EXPIRED: gettext_lazy("Expired"),
    }


def pool_state(pool: ResourcePool, today: dt.date) -> str:
    if pool.starts_on > today:
        return PoolState.UPCOMING
    if pool.ends_on is None or pool.ends_on > today + dt.timedelta(days=EXPIRING_DAYS):
        return PoolState.ACTIVE
    if pool.ends_on >= today:
        return PoolState.EXPIRING
    return PoolState.EXPIRED


def pool_reference(pool: ResourcePool) -> str:
    """The scheduler allocation that holds this pool's MCUs."""
    return pool.allocation_reference or f"order-line:{pool.order_line_id}"


def pool_hours_in_month(pool: ResourcePool, year: int, month: int) -> int:
    """Hours of the month [Asia/Shanghai] during which the pool is in service (its first to its last day)."""
    first = dt.date(year, month, 1)
    last = dt.date(year, month, days_in_month(year, month))
    start = max(first, pool.starts_on)
    end = min(last, pool.ends_on) if pool.ends_on else last
    if end < start:
        return 0
    return ((end - start).days + 1) * 24


def is_pool(pool: ResourcePool) -> bool:
    return pool.sales_form in (SalesForm.ANNUAL, SalesForm.MONTHLY)


@dataclass
class PoolRow:
    pool: ResourcePool
    state: str
    monthly_fee: Decimal | None  # unit price × quantity for annual/monthly pools
    month_capacity: Decimal = Decimal(0)  # pool MCU·h of this month
    month_weighted: Decimal = Decimal(0)  # weighted MCU·h consumed this month
    deposit_used: Decimal | None = None  # pay-as-you-go
    deposit_remaining: Decimal | None = None
    balance_level: str | None = None  # billing's "low" / "exhausted"

    @property
    def state_label(self):
        return PoolState.LABELS[self.state]

    @property
    def month_used_percent(self):
        return ratio(self.month_weighted, self.month_capacity)

    @property
    def deposit_used_percent(self):
        return ratio(self.deposit_used, self.pool.deposit)

    @property
    def month_meter(self) -> str:
        """CSS width of the usage meter, 0–100 (a plain string: never localised)."""
        return _meter(self.month_used_percent)

    @property
    def deposit_meter(self) -> str:
        return _meter(self.deposit_used_percent)


def _meter(percent) -> str:
    return str(min(max(percent or Decimal(0), Decimal(0)), Decimal(100)))


@dataclass
class RegionRow:
    region: object
    purchased: int = 0  # MCUs in active pools (pay-as-you-go ceilings not counted)
    payg_ceiling: int = 0
    mcus: int = 0  # MCUs now allocated
    health: Counter = field(default_factory=Counter)
    allocated_seconds: int = 0
    busy_seconds: int = 0
    weighted: Decimal = Decimal(0)
    monthly_fee: Decimal = Decimal(0)

    @property
    def utilisation(self):
        return ratio(self.busy_seconds, self.allocated_seconds)

    @property
    def month_mcu_hours(self):
        return mcu_hours(self.allocated_seconds)

    def health_count(self, status):
        return self.health.get(status, 0)


@dataclass
class McuCell:
    public_id: str
    region_id: int
    region_name: str
    domain_kind: str
    status: str
    status_since: dt.datetime
    busy: bool


@dataclass
class Event:
    at: dt.datetime
    mcu: str
    region: str
    kind: str  # a badge class: normal / warning / migrating / released
    text: str
    count: int = 1


@dataclass
class Dashboard:
    today: dt.date
    pools: list[PoolRow]
    regions: list[RegionRow]
    mcu_count: int
    health: Counter
    active_mcus: int
    idle_mcus: int
    running_workloads: int
    month_raw: Decimal
    month_weighted: Decimal
    month_allocated_seconds: int
    month_busy_seconds: int
    trend: dict
    events: list[Event]
    bills: list | None
    payg_month: Decimal = Decimal(0)

    @property
    def purchased(self) -> int:
        in_service = (PoolState.ACTIVE, PoolState.EXPIRING)
        return sum(r.pool.quantity for r in self.pools if is_pool(r.pool) and r.state in in_service)

    @property
    def expiring_mcus(self) -> int:
        return sum(r.pool.quantity for r in self.pools if is_pool(r.pool) and r.state == PoolState.EXPIRING)

    @property
    def utilisation(self):
        return ratio(self.month_busy_seconds, self.month_allocated_seconds)

    @property
    def monthly_fee(self) -> Decimal:
        return sum((r.monthly_fee for r in self.regions), Decimal(0))

    @property
    def pool_rows(self):
        return [r for r in self.pools if is_pool(r.pool)]

    @property
    def payg_rows(self):
        return [r for r in self.pools if not is_pool(r.pool)]

    @property
    def counts_by_state(self) -> Counter:
        return Counter(r.state for r in self.pools)


def pools_for_org(org):
    return list(
        for_org(ResourcePool.objects.select_related("region"), org).order_by(
            "region__sort_order", "starts_on"
        )
    )


def mcu_cells(org, *, region_code: str | None = None, status: str | None = None) -> list[McuCell]:
    """The organization's active MCUs in one query, each flagged busy when a running workload holds it."""
    busy = Workload.objects.filter(mcus=OuterRef("pk"), status__in=RUNNING_WORKLOAD_STATUSES)
    qs = for_org(Mcu.objects.filter(status__in=ACTIVE_MCU_STATUSES), org)
    if region_code:
        qs = qs.filter(region__code=region_code)
    if status:
        qs = qs.filter(status=status)
    rows = (
        qs.annotate(busy=Exists(busy))
        .order_by("region__sort_order", "region__code", "domain_kind", "public_id")
        .values_list(
            "public_id", "region_id", "region__name", "domain_kind", "status", "status_since", "busy"
        )
    )
    return [McuCell(*row) for row in rows]


def mcu_counts(org) -> list[tuple[int, str, int, int]]:
    """(region id, status, MCUs, of which busy) of the organization's active MCUs: one grouped query,
    a handful of rows whatever the number of MCUs (the dashboard's figures; the matrix has the squares)."""
    busy = Workload.objects.filter(mcus=OuterRef("pk"), status__in=RUNNING_WORKLOAD_STATUSES)
    return list(
        for_org(Mcu.objects.filter(status__in=ACTIVE_MCU_STATUSES), org)
        .values_list("region_id", "status")
        .annotate(n=Count("pk"), busy=Count("pk", filter=Q(Exists(busy))))
        .order_by()
    )


def matrix_groups(cells: list[McuCell]) -> list[dict]:
    """Cells grouped by region, in order, with the region's health counts (for the dot matrix)."""
    groups: dict[int, dict] = {}
    for cell in cells:
        group = groups.setdefault(
            cell.region_id, {"region": cell.region_name, "cells": [], "counts": Counter()}
        )
        group["cells"].append(cell)
        group["counts"][cell.status] += 1
    return list(groups.values())


# Metered usage per local day. A closed day (ended more than LIVE_MARGIN ago: its last hour is metered
# just after midnight) does not change any more, so its sums are cached for USAGE_CACHE_SECONDS; the
# open day's for LIVE_CACHE_SECONDS. The number of queries stays the same (at most one).
LIVE_MARGIN = dt.timedelta(hours=2)
LIVE_CACHE_SECONDS = 60  # the open day: metering itself writes every 5 minutes


def usage_cache_seconds() -> int:
    return settings.ASSETS_USAGE_CACHE_SECONDS


def _usage_key(org, day: dt.date) -> str:
    # The database's name is part of the key: two databases sharing one cache never see each other's sums.
    return f"assets:usage-day:v1:{settings.DATABASES['default']['NAME']}:{org.pk}:{day.isoformat()}"


def daily_usage(org, first: dt.date, last: dt.date, *, now: dt.datetime | None = None) -> dict:
    """{local day: [(region_id, allocation reference, workload kind, allocated s, busy s, weighted)]}
    for every day of [first, last], in at most one query."""
    now = now or timezone.now()
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    closed = [d for d in days if start_of_local_day(d + dt.timedelta(days=1)) + LIVE_MARGIN <= now]
    ttl = usage_cache_seconds()
    live_key = _usage_key(org, last) + ":live"
    keys = [_usage_key(org, d) for d in closed] + ([live_key] if ttl and last not in closed else [])
    cached = cache.get_many(keys) if ttl and keys else {}
    out = {d: cached[_usage_key(org, d)] for d in closed if _usage_key(org, d) in cached}
    if live_key in cached and len(out) == len(closed) and last not in closed:
        out[last] = cached[live_key]  # the open day, at most LIVE_CACHE_SECONDS old
    wanted = [d for d in days if d not in out]
    if wanted:
        fetched: dict[dt.date, list] = {d: [] for d in wanted}
        rows = (
            for_org(
                UsageHour.objects.filter(
                    hour__gte=start_of_local_day(wanted[0]),
                    hour__lt=start_of_local_day(wanted[-1] + dt.timedelta(days=1)),
                ),
                org,
            )
            .annotate(day=TruncDate("hour", tzinfo=display_tz()))
            .values_list("day", "region_id", "allocation__reference", "workload_kind")
            .annotate(
                allocated=Sum("allocated_seconds"),
                busy=Sum("busy_seconds"),
                weighted=Sum("weighted_mcu_hours"),
            )
            .order_by()
        )
        for day, region_id, reference, kind, allocated, busy, weighted in rows:
            if day in fetched:
                fetched[day].append(
                    (region_id, reference, kind, allocated or 0, busy or 0, weighted or Decimal(0))
                )
        out.update(fetched)
        to_cache = {_usage_key(org, d): fetched[d] for d in wanted if d in closed}
        if ttl and last in fetched and last not in closed:
            cache.set(live_key, fetched[last], min(ttl, LIVE_CACHE_SECONDS))
        if ttl and to_cache:
            cache.set_many(to_cache, ttl)
    return out


def trend_from_daily(daily: dict, *, days: int, today: dt.date) -> dict:
    first = today - dt.timedelta(days=days - 1)
    day_list = [first + dt.timedelta(days=i) for i in range(days)]
    seconds: dict[str, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for day in day_list:
        for _region, _reference, kind, allocated, _busy, _weighted in daily.get(day, ()):
            seconds[kind or IDLE][day] += allocated
    series = {kind: {d: mcu_hours(v) for d, v in per_day.items() if v} for kind, per_day in seconds.items()}
    return {"days": day_list, "series": {k: v for k, v in series.items() if v}}


def usage_trend(org, *, days: int = TREND_DAYS, today: dt.date | None = None) -> dict:
    """MCU·h per local day and workload kind for the last `days` days (today included)."""
    today = today or local_today()
    first = today - dt.timedelta(days=days - 1)
    return trend_from_daily(daily_usage(org, first, today), days=days, today=today)


TREND_ORDER = [*WorkloadKind.values, IDLE]


def trend_table(trend: dict) -> dict:
    """The trend as a table (labels, rows of (day, values)) for readers without the chart."""
    kinds = [k for k in TREND_ORDER if k in trend["series"]]
    rows = [(day, [trend["series"][k].get(day, Decimal("0.00")) for k in kinds]) for day in trend["days"]]
    return {"labels": [KIND_LABELS[k] for k in kinds], "rows": rows}


def trend_figure(trend: dict) -> dict:
    """A Plotly stacked-bar figure (plain JSON-able dicts) of the usage trend."""
    colours = {
        WorkloadKind.TRAINING: "#1d4ed8",
        WorkloadKind.INFERENCE: "#15803d",
        WorkloadKind.DEVELOPMENT: "#b45309",
        WorkloadKind.DATA_PROCESSING: "#7c3aed",
        IDLE: "#cbd5e1",
    }
    x = [f"{d:%m-%d}" for d in trend["days"]]
    data = []
    for kind in TREND_ORDER:
        values = trend["series"].get(kind)
        if not values:
            continue
        data.append(
            {
                "type": "bar",
                "name": str(KIND_LABELS[kind]),
                "x": x,
                "y": [float(values.get(d, 0)) for d in trend["days"]],
                "marker": {"color": colours[kind]},
                "hovertemplate": "%{x}: %{y:.2f} MCU·h<extra>%{fullData.name}</extra>",
            }
        )
    layout = {
        "barmode": "stack",
        "height": 300,
        "margin": {"l": 50, "r": 10, "t": 10, "b": 40},
        "yaxis": {"title": {"text": "MCU·h"}, "rangemode": "tozero"},
        "xaxis": {"type": "category"},
        "legend": {"orientation": "h", "y": -0.2},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
    }
    return {"data": data, "layout": layout}


# --- events, in the customer's words -----------------------------------------------------------


# (kind, one MCU, several MCUs that changed together) per kind of change — never the staff reason.
EVENT_TEXTS = {
    "warning": (
        "warning",
        gettext_lazy("%(mcu)s showed an early warning; the platform is watching it."),
        gettext_lazy("%(count)d MCUs (%(mcu)s …) showed an early warning; the platform is watching them."),
    ),
    "migrating": (
        "migrating",
        gettext_lazy("%(mcu)s is moving to healthy capacity; its tasks continue automatically."),
        gettext_lazy(
            "%(count)d MCUs (%(mcu)s …) are moving to healthy capacity; their tasks continue automatically."
        ),
    ),
    "moved": (
        "normal",
        gettext_lazy("%(mcu)s finished moving and runs normally again."),
        gettext_lazy("%(count)d MCUs (%(mcu)s …) finished moving and run normally again."),
    ),
    "recovered": (
        "normal",
        gettext_lazy("%(mcu)s recovered and runs normally."),
        gettext_lazy("%(count)d MCUs (%(mcu)s …) recovered and run normally."),
    ),
    "ready": (
        "normal",
        gettext_lazy("%(mcu)s is ready."),
        gettext_lazy("%(count)d MCUs (%(mcu)s …) are ready."),
    ),
    "provisioning": (
        "provisioning",
        gettext_lazy("%(mcu)s is being prepared."),
        gettext_lazy("%(count)d MCUs (%(mcu)s …) are being prepared."),
    ),
    "released": (
        "released",
        gettext_lazy("%(mcu)s was released."),
        gettext_lazy("%(count)d MCUs (%(mcu)s …) were released."),
    ),
    "other": (
        "normal",
        gettext_lazy("%(mcu)s changed state."),
        gettext_lazy("%(count)d MCUs (%(mcu)s …) changed state."),
    ),
}


def _event_key(from_status: str, to_status: str) -> str:
    if to_status in (McuStatus.WARNING, McuStatus.MIGRATING, McuStatus.PROVISIONING, McuStatus.RELEASED):
        return to_status
    if to_status == McuStatus.NORMAL:
        return {McuStatus.MIGRATING: "moved", McuStatus.WARNING: "recovered"}.get(from_status, "ready")
    return "other"


def _event_text(from_status: str, to_status: str, mcu: str, count: int = 1) -> tuple[str, str]:
    """One sentence per kind of change, for one MCU or for `count` MCUs that changed together."""
    kind, one, several = EVENT_TEXTS[_event_key(from_status, to_status)]
    return kind, str(one if count == 1 else several) % {"mcu": mcu, "count": count}


def mcu_events(org, *, limit: int = 12) -> list[Event]:
    """What happened to the organization's MCUs, newest first; MCUs that changed the same way in the
    same minute are one event (grouped in SQL: `limit` rows whatever the number of MCUs). The stored
    reason is staff wording (it may name a node), so customers get a fixed sentence per kind instead."""
    rows = (
        for_org(Transition.objects.all(), org, field="mcu__organization")
        .annotate(minute=TruncMinute("at"))
        .values_list("minute", "from_status", "to_status", "mcu__region__name")
        .annotate(n=Count("pk"), first=Min("mcu__public_id"), last_at=Max("at"))
        .order_by("-minute", "-last_at")[:limit]
    )
    events = []
    for _minute, from_status, to_status, region, n, first, at in rows:
        kind, text = _event_text(from_status, to_status, first, n)
        events.append(Event(at=at, mcu=first, region=region, kind=kind, text=text, count=n))
    return events


# --- bills (the billing app) -------------------------------------------------


def latest_bills(org, *, limit: int = 3) -> list:
    """The organization's latest bills (billing app), newest month first."""
    return list(billing_selectors.bills_for_org(org)[:limit])


# --- the dashboard -------------------------------------------------------------------------------


def dashboard(org, *, today: dt.date | None = None) -> Dashboard:
    """Every panel of R-3.5 for one organization, in a fixed number of queries: at most 9, plus one
    per pay-as-you-go account (billing's live balance) — never one per MCU."""
    today = today or local_today()
    pools = pools_for_org(org)
    counts = mcu_counts(org)
    month_first = today.replace(day=1)
    daily = daily_usage(org, min(month_first, today - dt.timedelta(days=TREND_DAYS - 1)), today)
    usage = [row for day, rows in daily.items() if day >= month_first for row in rows]
    pool_references = {pool_reference(p) for p in pools if is_pool(p)}
    running = for_org(Workload.objects.filter(status__in=RUNNING_WORKLOAD_STATUSES), org).count()

    regions: dict[int, RegionRow] = {}

    def region_row(region_id, region=None) -> RegionRow:
        if region_id not in regions:
            regions[region_id] = RegionRow(region=region)
        row = regions[region_id]
        if row.region is None and region is not None:
            row.region = region
        return row

    weighted_by_reference: dict[str, Decimal] = defaultdict(Decimal)
    payg_month_by_region: dict[int, Decimal] = defaultdict(Decimal)
    for region_id, reference, _kind, allocated, busy, weighted in usage:
        region = region_row(region_id)
        region.allocated_seconds += allocated
        region.busy_seconds += busy
        region.weighted += weighted
        weighted_by_reference[reference] += weighted
        if reference not in pool_references:  # billing's pay-as-you-go rule
            payg_month_by_region[region_id] += weighted

    pool_rows = []
    payg_month = Decimal(0)
    for pool in pools:
        state = pool_state(pool, today)
        region = region_row(pool.region_id, pool.region)
        if is_pool(pool):
            fee = quantize_fen(pool.unit_price * pool.quantity)
            row = PoolRow(pool=pool, state=state, monthly_fee=fee)
            row.month_capacity = Decimal(pool.quantity * pool_hours_in_month(pool, today.year, today.month))
            row.month_weighted = weighted_by_reference.get(pool_reference(pool), Decimal(0))
            if state in (PoolState.ACTIVE, PoolState.EXPIRING):
                region.purchased += pool.quantity
                region.monthly_fee += fee
        else:
            row = PoolRow(pool=pool, state=state, monthly_fee=None)
            balance = billing_selectors.payg_balance(pool)  # one query per pay-as-you-go account
            row.deposit_used = balance.consumed
            row.deposit_remaining = balance.remaining
            row.balance_level = balance.level
            row.month_weighted = payg_month_by_region.get(pool.region_id, Decimal(0))
            payg_month += quantize_fen(row.month_weighted * pool.unit_price)
            if state != PoolState.EXPIRED:
                region.payg_ceiling += pool.quantity
        pool_rows.append(row)

    health: Counter = Counter()
    active = total = 0
    for region_id, status, n, busy in counts:
        health[status] += n
        active += busy
        total += n
        row = region_row(region_id)
        row.mcus += n
        row.health[status] += n
    missing = [region_id for region_id, row in regions.items() if row.region is None]
    if missing:  # regions with MCUs or usage but no pool (e.g. pay-as-you-go tasks that ended)
        for region_id, region in Region.objects.in_bulk(missing).items():
            regions[region_id].region = region

    month_allocated = sum(r.allocated_seconds for r in regions.values())
    month_busy = sum(r.busy_seconds for r in regions.values())
    month_weighted = sum((r.weighted for r in regions.values()), Decimal(0))
    ordered_regions = sorted(regions.values(), key=lambda r: (r.region.sort_order, r.region.code))
    return Dashboard(
        today=today,
        pools=pool_rows,
        regions=ordered_regions,
        mcu_count=total,
        health=health,
        active_mcus=active,
        idle_mcus=total - active,
        running_workloads=running,
        month_raw=mcu_hours(month_allocated),
        month_weighted=month_weighted,
        month_allocated_seconds=month_allocated,
        month_busy_seconds=month_busy,
        trend=trend_from_daily(daily, days=TREND_DAYS, today=today),
        events=mcu_events(org),
        bills=latest_bills(org),
        payg_month=payg_month,
    )


# --- usage for the API -------------------------------------------------------------------------

GRANULARITIES = {"hour": TruncHour, "day": TruncDate}
GROUPS = {"workload_kind", "region"}
MAX_USAGE_DAYS = {"hour": 31, "day": 366}


def usage_rows(org, *, start: dt.datetime, end: dt.datetime, granularity: str, group_by: list[str]):
    """MCU·h (raw and weighted) per period and the chosen groups, [start, end), periods in Asia/Shanghai."""
    if granularity not in GRANULARITIES:
        raise InvalidInput(
            _("Granularity must be hour or day."), details={"granularity": ["must be hour or day"]}
        )
    unknown = sorted(set(group_by) - GROUPS)
    if unknown:
        raise InvalidInput(
            _("Usage can be grouped by workload_kind and region only."), details={"group_by": unknown}
        )
    if start.tzinfo is None or end.tzinfo is None:
        start = timezone.make_aware(start, display_tz()) if start.tzinfo is None else start
        end = timezone.make_aware(end, display_tz()) if end.tzinfo is None else end
    if end <= start:
        raise InvalidInput(_("'to' must be after 'from'."), details={"to": ["must be after from"]})
    if end - start > dt.timedelta(days=MAX_USAGE_DAYS[granularity]):
        raise InvalidInput(
            _("At most %(days)s days at a time for granularity %(granularity)s.")
            % {"days": MAX_USAGE_DAYS[granularity], "granularity": granularity},
            details={"to": ["range too long"]},
        )
    fields = ["period"]
    if "workload_kind" in group_by:
        fields.append("workload_kind")
    if "region" in group_by:
        fields.append("region__code")
    rows = (
        for_org(UsageHour.objects.filter(Q(hour__gte=start) & Q(hour__lt=end)), org)
        .annotate(period=GRANULARITIES[granularity]("hour", tzinfo=display_tz()))
        .values(*fields)
        .annotate(allocated=Sum("allocated_seconds"), weighted=Sum("weighted_mcu_hours"))
        .order_by(*fields)
    )
    out = []
    for row in rows:
        period = row["period"]
        item = {
            "period": period.isoformat(),
            "mcu_hours": mcu_hours(row["allocated"]),
            "weighted_mcu_hours": (row["weighted"] or Decimal(0)).quantize(Decimal("0.0001")),
        }
        if "workload_kind" in group_by:
            item["workload_kind"] = row["workload_kind"] or IDLE
        if "region" in group_by:
            item["region"] = row["region__code"]
        out.append(item)
    return out


def workloads_for_org(org, *, status: str | None = None):
    qs = for_org(Workload.objects.select_related("region"), org)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-submitted_at", "-id")


def payg_available(org) -> bool:
    """Whether the organization holds a pay-as-you-go account that is not expired (R-5.5)."""
    today = local_today()
    return (
        for_org(ResourcePool.objects.filter(sales_form=SalesForm.PAYG, starts_on__lte=today), org)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .exists()
    )
