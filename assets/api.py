"""/api/v1/assets/*, /api/v1/usage and /api/v1/workloads — the same selectors and services as the console.

No hardware in any answer (R-2.2): MCUs are shown by public id, region, domain kind and status only.
"""

import datetime as dt
import hashlib
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from accounts.choices import Role
from accounts.tenancy import get_for_org, require_role
from assets import selectors
from assets.services import workload_stop as workload_stop_service
from assets.services import workload_submit
from catalog.models import Region
from mcu_console.exceptions import InvalidInput
from mcu_console.timeutil import display_tz, local_today, start_of_local_day
from scheduler.choices import ACTIVE_MCU_STATUSES, WorkloadKind, WorkloadStatus
from scheduler.models import Workload

router = Router(tags=["assets"])


class HealthOut(Schema):
    normal: int
    warning: int
    migrating: int
    provisioning: int


class RegionOut(Schema):
    region: str
    purchased_mcus: int
    payg_ceiling: int
    allocated_mcus: int
    utilisation_percent: Decimal | None
    month_mcu_hours: Decimal
    health: HealthOut
    monthly_service_fee: Decimal


class PoolOut(Schema):
    region: str
    domain_kind: str
    sales_form: str
    mcus: int
    unit_price: Decimal
    starts_on: dt.date
    ends_on: dt.date | None
    state: str
    monthly_fee: Decimal | None
    month_pool_mcu_hours: Decimal
    month_weighted_mcu_hours: Decimal
    deposit: Decimal
    deposit_used: Decimal | None
    deposit_remaining: Decimal | None


class SummaryOut(Schema):
    purchased_mcus: int
    allocated_mcus: int
    active_mcus: int
    idle_mcus: int
    running_workloads: int
    utilisation_percent: Decimal | None
    month_mcu_hours: Decimal
    month_weighted_mcu_hours: Decimal
    monthly_service_fee: Decimal
    payg_month_amount: Decimal
    health: HealthOut
    regions: list[RegionOut]
    pools: list[PoolOut]


def _health(counter) -> dict:
    return {k: counter.get(k, 0) for k in ("normal", "warning", "migrating", "provisioning")}


@router.get("/assets/summary", response=SummaryOut, summary="The asset dashboard's figures (R-3.5)")
def assets_summary(request):
    board = selectors.dashboard(request.org)
    return {
        "purchased_mcus": board.purchased,
        "allocated_mcus": board.mcu_count,
        "active_mcus": board.active_mcus,
        "idle_mcus": board.idle_mcus,
        "running_workloads": board.running_workloads,
        "utilisation_percent": board.utilisation,
        "month_mcu_hours": board.month_raw,
        "month_weighted_mcu_hours": board.month_weighted,
        "monthly_service_fee": board.monthly_fee,
        "payg_month_amount": board.payg_month,
        "health": _health(board.health),
        "regions": [
            {
                "region": r.region.code,
                "purchased_mcus": r.purchased,
                "payg_ceiling": r.payg_ceiling,
                "allocated_mcus": r.mcus,
                "utilisation_percent": r.utilisation,
                "month_mcu_hours": r.month_mcu_hours,
                "health": _health(r.health),
                "monthly_service_fee": r.monthly_fee,
            }
            for r in board.regions
        ],
        "pools": [
            {
                "region": row.pool.region.code,
                "domain_kind": row.pool.domain_kind,
                "sales_form": row.pool.sales_form,
                "mcus": row.pool.quantity,
                "unit_price": row.pool.unit_price,
                "starts_on": row.pool.starts_on,
                "ends_on": row.pool.ends_on,
                "state": row.state,
                "monthly_fee": row.monthly_fee,
                "month_pool_mcu_hours": row.month_capacity,
                "month_weighted_mcu_hours": row.month_weighted,
                "deposit": row.pool.deposit,
                "deposit_used": row.deposit_used,
                "deposit_remaining": row.deposit_remaining,
            }
            for row in board.pools
        ],
    }


class McuOut(Schema):
    id: str
    region: str
    domain_kind: str
    status: str
    status_since: dt.datetime
    busy: bool


class McuFilter(Schema):
    region: str | None = None
    status: str | None = None


@router.get(
    "/assets/mcus", response=list[McuOut], summary="The organization's MCUs (filter by region, status)"
)
def assets_mcus(request, filters: Query[McuFilter]):
    if filters.status and filters.status not in ACTIVE_MCU_STATUSES:
        raise InvalidInput(
            _("Unknown MCU status."),
            details={"status": [f"one of {', '.join(str(s) for s in ACTIVE_MCU_STATUSES)}"]},
        )
    if filters.region and not Region.objects.filter(code=filters.region).exists():
        raise InvalidInput(_("Unknown region."), details={"region": ["unknown region code"]})
    cells = selectors.mcu_cells(request.org, region_code=filters.region, status=filters.status)
    codes = dict(Region.objects.values_list("pk", "code"))
    return [
        {
            "id": c.public_id,
            "region": codes.get(c.region_id, ""),
            "domain_kind": c.domain_kind,
            "status": c.status,
            "status_since": c.status_since,
            "busy": c.busy,
        }
        for c in cells
    ]


class UsageOut(Schema):
    period: str
    mcu_hours: Decimal
    weighted_mcu_hours: Decimal
    workload_kind: str | None = None
    region: str | None = None


def _as_datetime(value, default: dt.datetime) -> dt.datetime:
    if value is None:
        return default
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, display_tz())
    return start_of_local_day(value)


class UsageFilter(Schema):
    from_: dt.datetime | dt.date | None = Field(None, alias="from")
    to: dt.datetime | dt.date | None = None
    granularity: str = "day"
    group_by: str = "workload_kind"


@router.get(
    "/usage", response=list[UsageOut], summary="MCU·h by hour or day, grouped by workload kind / region"
)
def usage(request, filters: Query[UsageFilter]):
    """Periods are Asia/Shanghai hours or days; dates mean local midnight; default: the last 7 days."""
    today = local_today()
    end = _as_datetime(filters.to, start_of_local_day(today + dt.timedelta(days=1)))
    start = _as_datetime(filters.from_, start_of_local_day(today - dt.timedelta(days=6)))
    groups = [g.strip() for g in filters.group_by.split(",") if g.strip()]
    return selectors.usage_rows(
        request.org, start=start, end=end, granularity=filters.granularity, group_by=groups
    )


class WorkloadIn(Schema):
    name: str
    kind: WorkloadKind
    mcu_count: int
    region: str
    tightly_coupled: bool = False
    payg: bool = False


class WorkloadOut(Schema):
    id: int
    name: str
    kind: str
    region: str
    mcu_count: int
    tightly_coupled: bool
    payg: bool
    status: str
    status_reason: str
    submitted_at: dt.datetime
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    mcus: list[str]


def _workload_out(workload: Workload) -> dict:
    return {
        "id": workload.pk,
        "name": workload.name,
        "kind": workload.kind,
        "region": workload.region.code,
        "mcu_count": workload.mcu_count,
        "tightly_coupled": workload.tightly_coupled,
        "payg": workload.payg,
        "status": workload.status,
        "status_reason": workload.status_reason,
        "submitted_at": workload.submitted_at,
        "started_at": workload.started_at,
        "ended_at": workload.ended_at,
        "mcus": sorted(m.public_id for m in workload.mcus.all()),
    }


@router.post("/workloads", response={201: WorkloadOut}, summary="Submit a task (gang-placed on your MCUs)")
def workload_create(request, payload: WorkloadIn):
    """Send `Idempotency-Key: <unique string>` to retry safely: the same key and body return the same task;
    the same key with another body is a 422."""
    require_role(request, Role.MEMBER)
    name = payload.name.strip()
    errors = {}
    if not name or len(name) > 100:
        errors["name"] = ["1 to 100 characters"]
    if payload.mcu_count < 1:
        errors["mcu_count"] = ["must be at least 1"]
    region = Region.objects.filter(code=payload.region, is_active=True).first()
    if region is None:
        errors["region"] = ["unknown region code"]
    if errors:
        raise InvalidInput(_("The task is not valid."), details=errors)
    workload = workload_submit(
        organization=request.org,
        name=name,
        kind=payload.kind.value,
        region=region,
        mcu_count=payload.mcu_count,
        tightly_coupled=payload.tightly_coupled,
        payg=payload.payg,
        actor=request.user,
        idempotency_key=(request.headers.get("Idempotency-Key") or "").strip()[:100] or None,
        request_hash=hashlib.sha256(payload.model_dump_json().encode()).hexdigest(),
    )
    workload = Workload.objects.select_related("region").prefetch_related("mcus").get(pk=workload.pk)
    return Status(201, _workload_out(workload))


@router.get("/workloads", response=list[WorkloadOut], summary="Your tasks, newest first")
def workload_index(request, status: str | None = None):
    if status and status not in WorkloadStatus.values:
        raise InvalidInput(_("Unknown task status."), details={"status": WorkloadStatus.values})
    qs = selectors.workloads_for_org(request.org, status=status).prefetch_related("mcus")[:500]
    return [_workload_out(w) for w in qs]


@router.get("/workloads/{workload_id}", response=WorkloadOut, summary="One task")
def workload_get(request, workload_id: int):
    workload = get_for_org(
        Workload.objects.select_related("region").prefetch_related("mcus"), request.org, pk=workload_id
    )
    return _workload_out(workload)


@router.post("/workloads/{workload_id}/stop", response=WorkloadOut, summary="Stop a task")
def workload_stop(request, workload_id: int):
    require_role(request, Role.MEMBER)
    workload = get_for_org(Workload.objects.all(), request.org, pk=workload_id)
    workload_stop_service(workload=workload, actor=request.user)
    workload = Workload.objects.select_related("region").prefetch_related("mcus").get(pk=workload.pk)
    return _workload_out(workload)
