"""Every write of billing: usage rollups, the bill run, issuing, payment, corrections, balance notices.

SPEC §5 (R-5.1–R-5.6), DESIGN I-4 (lines add up), I-5 (recorded transitions), I-7 (idempotent runs).
"""

import datetime as dt
import logging
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization
from accounts.services import audit
from billing import rules
from billing.attribution import PoolIndex
from billing.choices import BILL_TRANSITIONS, BillStatus, LineKind, PaygLevel
from billing.exceptions import BillNotEditable, InvalidBillTransition
from billing.models import Bill, BillCorrection, BillLine, BillStatusChange, PaygNotice, UsageDay
from billing.selectors import payg_balance
from catalog.choices import SalesForm
from mcu_console.exceptions import InvalidInput
from mcu_console.money import quantize_fen
from mcu_console.timeutil import days_in_month, display_tz, start_of_local_day
from orders.models import ResourcePool
from scheduler.models import UsageHour

logger = logging.getLogger(__name__)
SECONDS_PER_HOUR = Decimal(3600)
HOURS = Decimal("0.0001")


# --- usage rollups ------------------------------------------------------------------------------


@transaction.atomic
def usage_rollup(*, start: dt.date, end: dt.date, organization_ids=None) -> int:
    """Rebuild the daily rollups for local days [start, end): delete and recompute, so re-runs agree."""
    if end <= start:
        raise InvalidInput(_("The end day must be after the start day."))
    hours = UsageHour.objects.filter(hour__gte=start_of_local_day(start), hour__lt=start_of_local_day(end))
    old = UsageDay.objects.filter(day__gte=start, day__lt=end)
    if organization_ids is not None:
        hours = hours.filter(organization_id__in=organization_ids)
        old = old.filter(organization_id__in=organization_ids)
    old.delete()
    rows = (
        hours.annotate(day=TruncDate("hour", tzinfo=display_tz()))
        .values("organization_id", "region_id", "allocation__reference", "workload_kind", "day")
        .annotate(
            allocated=Sum("allocated_seconds"), busy=Sum("busy_seconds"), weighted=Sum("weighted_mcu_hours")
        )
        .order_by()
    )
    index = PoolIndex.for_organizations(organization_ids)
    merged = defaultdict(lambda: [0, 0, Decimal(0)])
    for row in rows.iterator(chunk_size=5000):
        pool, payg = index.pool_for(
            organization_id=row["organization_id"],
            region_id=row["region_id"],
            reference=row["allocation__reference"],
            day=row["day"],
        )
        key = (
            row["organization_id"],
            row["region_id"],
            pool.pk if pool else None,
            payg,
            row["workload_kind"],
            row["day"],
        )
        acc = merged[key]
        acc[0] += row["allocated"] or 0
        acc[1] += row["busy"] or 0
        acc[2] += row["weighted"] or Decimal(0)
    UsageDay.objects.bulk_create(
        [
            UsageDay(
                organization_id=org_id,
                region_id=region_id,
                pool_id=pool_id,
                payg=payg,
                workload_kind=kind,
                day=day,
                allocated_mcu_hours=(Decimal(alloc) / SECONDS_PER_HOUR).quantize(HOURS),
                busy_mcu_hours=(Decimal(busy) / SECONDS_PER_HOUR).quantize(HOURS),
                weighted_mcu_hours=weighted,
            )
            for (org_id, region_id, pool_id, payg, kind, day), (alloc, busy, weighted) in merged.items()
        ],
        batch_size=2000,
    )
    return len(merged)


# --- the bill run ---------------------------------------------------------------------------------

LINE_FIELDS = (
    "kind", "region_id", "pool_id", "sales_form", "description", "quantity", "unit_price", "days",
    "days_in_period", "weighted_mcu_hours", "net", "vat", "gross", "prepaid", "amount_due", "corrects_id",
)  # fmt: skip


def _pool_sort_key(pool):
    form_order = {SalesForm.ANNUAL: 0, SalesForm.MONTHLY: 1, SalesForm.PAYG: 2}
    return (
        pool.region.sort_order,
        pool.region.code,
        form_order.get(pool.sales_form, 9),
        pool.starts_on,
        pool.pk,
    )


def _line_specs(*, period: dt.date, pools, payg_usage, prior_prepaid, corrections) -> list[dict]:
    """One organization's bill lines as plain dicts (compared with the stored ones for idempotence)."""
    dim = days_in_month(period.year, period.month)
    specs = []
    for pool in sorted(pools, key=_pool_sort_key):
        base = {
            "region_id": pool.region_id,
            "pool_id": pool.pk,
            "sales_form": pool.sales_form,
            "quantity": pool.quantity,
            "unit_price": pool.unit_price,
            "days_in_period": dim,
            "corrects_id": None,
        }
        days = rules.served_days(
            year=period.year, month=period.month, starts_on=pool.starts_on, ends_on=pool.ends_on
        )
        if pool.sales_form == SalesForm.PAYG:
            weighted = payg_usage.get(pool.pk, Decimal(0))
            gross = rules.payg_gross(weighted_mcu_hours=weighted, unit_price=pool.unit_price)
            left = max(Decimal(0), pool.deposit - prior_prepaid.get(pool.pk, Decimal(0)))
            amounts = rules.line_amounts(gross=gross, prepaid=min(gross, left))
            spec = {
                **base,
                "kind": LineKind.PAYG,
                "days": days,
                "weighted_mcu_hours": weighted.quantize(HOURS),
            }
        else:
            gross = rules.pool_gross(
                quantity=pool.quantity, unit_price=pool.unit_price, days=days, days_in_period=dim
            )
            if pool.sales_form == SalesForm.ANNUAL:
                prepaid = gross  # paid yearly in advance with the order
            else:
                first_payment = pool.order_line.amount_due
                prepaid = min(gross, max(Decimal(0), first_payment - prior_prepaid.get(pool.pk, Decimal(0))))
            amounts = rules.line_amounts(gross=gross, prepaid=prepaid)
            spec = {
                **base,
                "kind": LineKind.POOL,
                "days": days,
                "weighted_mcu_hours": payg_usage.get(pool.pk, Decimal(0)).quantize(HOURS),
            }
        spec.update(amounts, description="")
        specs.append(spec)
    for correction in corrections:
        specs.append(
            {
                "kind": LineKind.ADJUSTMENT,
                "region_id": None,
                "pool_id": None,
                "sales_form": "",
                "description": correction.reason,
                "quantity": 0,
                "unit_price": Decimal("0.00"),
                "days": 0,
                "days_in_period": dim,
                "weighted_mcu_hours": Decimal("0.0000"),
                "corrects_id": correction.corrects_id,
                **rules.line_amounts(gross=correction.gross),
            }
        )
    return specs


def _normalise(spec: dict) -> tuple:
    out = []
    for field in LINE_FIELDS:
        value = spec[field]
        if isinstance(value, Decimal):
            value = value.normalize()
        out.append(value)
    return tuple(out)


def _stored_specs(bill: Bill) -> list[tuple]:
    return [_normalise({f: getattr(line, f) for f in LINE_FIELDS}) for line in bill.lines.all()]


def bill_month(
    *, year: int, month: int, organization_ids=None, rollup: bool = True, retry: bool = True
) -> dict:
    """Bill every organization with service in the month (SPEC R-5.6). Idempotent (DESIGN I-7):

    issued and paid bills are never touched; a draft is rewritten only when its lines would change.
    Returns counts: {"created", "updated", "unchanged", "frozen"}.
    """
    if not (1 <= month <= 12) or year < 2000:
        raise InvalidInput(_("Not a valid month."))
    period = dt.date(year, month, 1)
    period_end = period.replace(day=days_in_month(year, month))
    next_period = period_end + dt.timedelta(days=1)
    if rollup:
        usage_rollup(start=period, end=next_period, organization_ids=organization_ids)

    pools_qs = (
        ResourcePool.objects.filter(starts_on__lte=period_end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=period))
        .select_related("region", "order_line")
    )
    if organization_ids is not None:
        pools_qs = pools_qs.filter(organization_id__in=organization_ids)
    pools_by_org = defaultdict(list)
    for pool in pools_qs:
        pools_by_org[pool.organization_id].append(pool)
    pool_ids = [p.pk for pools in pools_by_org.values() for p in pools]

    usage = UsageDay.objects.filter(day__gte=period, day__lte=period_end, pool__isnull=False)
    if organization_ids is not None:
        usage = usage.filter(organization_id__in=organization_ids)
    payg_usage = dict(
        usage.values("pool_id").annotate(w=Sum("weighted_mcu_hours")).values_list("pool_id", "w").order_by()
    )

    prior = (
        BillLine.objects.filter(pool_id__in=pool_ids, bill__period__lt=period)
        if organization_ids is not None
        else BillLine.objects.filter(pool__isnull=False, bill__period__lt=period)
    )
    prior_prepaid = dict(
        prior.values("pool_id").annotate(p=Sum("prepaid")).values_list("pool_id", "p").order_by()
    )

    corrections_qs = BillCorrection.objects.filter(corrects__period__lt=period).filter(
        Q(applied_to__isnull=True) | Q(applied_to__period=period)
    )
    if organization_ids is not None:
        corrections_qs = corrections_qs.filter(organization_id__in=organization_ids)
    corrections_by_org = defaultdict(list)
    for correction in corrections_qs.order_by("created_at", "id"):
        corrections_by_org[correction.organization_id].append(correction)

    org_ids = set(pools_by_org) | set(corrections_by_org)
    existing = {
        bill.organization_id: bill
        for bill in Bill.objects.filter(period=period, organization_id__in=org_ids).prefetch_related("lines")
    }
    orgs = Organization.objects.in_bulk(org_ids)
    counts = {"created": 0, "updated": 0, "unchanged": 0, "frozen": 0}
    new_bills = []
    now = timezone.now()
    for org_id in sorted(org_ids):
        specs = _line_specs(
            period=period,
            pools=pools_by_org.get(org_id, []),
            payg_usage=payg_usage,
            prior_prepaid=prior_prepaid,
            corrections=corrections_by_org.get(org_id, []),
        )
        bill = existing.get(org_id)
        if bill is not None and bill.status != BillStatus.DRAFT:
            counts["frozen"] += 1
            continue
        org = orgs[org_id]
        totals = rules.bill_totals(specs)
        if bill is None:
            bill = Bill(
                organization_id=org_id, period=period, invoice_title=org.invoice_title or org.legal_name,
                tax_id=org.tax_id or org.credit_code, created_at=now, updated_at=now, **totals,
            )  # fmt: skip
            new_bills.append((bill, specs))
            counts["created"] += 1
            continue
        same_header = (bill.invoice_title, bill.tax_id) == (
            org.invoice_title or org.legal_name,
            org.tax_id or org.credit_code,
        )
        if same_header and _stored_specs(bill) == [_normalise(s) for s in specs]:
            counts["unchanged"] += 1
            continue
        _rewrite_draft(
            bill=bill, org=org, specs=specs, totals=totals, corrections=corrections_by_org.get(org_id, [])
        )
        counts["updated"] += 1

    if new_bills:
        try:
            _create_bills(new_bills, corrections_by_org)
        except IntegrityError:
            # Another run created some of these bills meanwhile (one bill per org and month): nothing of ours
            # was written; running again finds them and only compares.
            if not retry:
                raise
            logger.warning("bill run %s raced another run; running again", period)
            return bill_month(
                year=year, month=month, organization_ids=organization_ids, rollup=False, retry=False
            )
    logger.info("bill run %s: %s", period, counts)
    return counts


def _create_bills(new_bills, corrections_by_org) -> None:
    new_lines = []
    if new_bills:
        with transaction.atomic():
            Bill.objects.bulk_create([bill for bill, _specs in new_bills], batch_size=2000)
            for bill, specs in new_bills:
                new_lines.extend(BillLine(bill=bill, position=i, **spec) for i, spec in enumerate(specs))
            BillLine.objects.bulk_create(new_lines, batch_size=5000)
            BillStatusChange.objects.bulk_create(
                [
                    BillStatusChange(bill=bill, to_status=BillStatus.DRAFT, note="bill run")
                    for bill, _s in new_bills
                ],
                batch_size=5000,
            )
            applied = [
                c.pk for bill, _s in new_bills for c in corrections_by_org.get(bill.organization_id, [])
            ]
            if applied:
                by_org = {bill.organization_id: bill for bill, _s in new_bills}
                for correction in BillCorrection.objects.filter(pk__in=applied):
                    correction.applied_to = by_org[correction.organization_id]
                    correction.save(update_fields=["applied_to"])


@transaction.atomic
def _rewrite_draft(*, bill: Bill, org, specs, totals, corrections) -> None:
    locked = Bill.objects.select_for_update().get(pk=bill.pk)
    if locked.status != BillStatus.DRAFT:
        return  # issued in the meantime: it is frozen now
    locked.lines.all().delete()
    BillLine.objects.bulk_create([BillLine(bill=locked, position=i, **spec) for i, spec in enumerate(specs)])
    for key, value in totals.items():
        setattr(locked, key, value)
    locked.invoice_title = org.invoice_title or org.legal_name
    locked.tax_id = org.tax_id or org.credit_code
    locked.updated_at = timezone.now()
    locked.save()
    BillCorrection.objects.filter(pk__in=[c.pk for c in corrections]).update(applied_to=locked)


# --- state changes ----------------------------------------------------------------------------------


def _transition(*, bill: Bill, to_status: str, actor, note: str = "", **fields) -> Bill:
    with transaction.atomic():
        locked = Bill.objects.select_for_update().get(pk=bill.pk)
        if to_status not in BILL_TRANSITIONS[BillStatus(locked.status)]:
            raise InvalidBillTransition(
                _("A bill that is %(from)s cannot become %(to)s.")
                % {"from": locked.get_status_display(), "to": BillStatus(to_status).label}
            )
        old = locked.status
        locked.status = to_status
        for key, value in fields.items():
            setattr(locked, key, value)
        locked.updated_at = timezone.now()
        locked.save()
        BillStatusChange.objects.create(
            bill=locked, from_status=old, to_status=to_status, actor=actor, note=note
        )
        data = {"period": locked.period_label, "from": old, **{k: str(v) for k, v in fields.items()}}
        audit(verb=f"bill.{to_status}", actor=actor, organization=locked.organization, obj=locked, data=data)
    return locked


def bill_issue(*, bill: Bill, actor) -> Bill:
    """Draft → issued. From now on the bill never changes (corrections go on the next bill)."""
    return _transition(bill=bill, to_status=BillStatus.ISSUED, actor=actor, issued_at=timezone.now())


def bill_mark_paid(*, bill: Bill, bank_reference: str, actor, paid_at: dt.datetime | None = None) -> Bill:
    """Issued → paid, with the bank transfer's reference."""
    reference = (bank_reference or "").strip()
    if not reference:
        raise InvalidInput(
            _("Enter the bank reference of the transfer."), details={"bank_reference": ["required"]}
        )
    return _transition(
        bill=bill, to_status=BillStatus.PAID, actor=actor, note=reference,
        bank_reference=reference, paid_at=paid_at or timezone.now(),
    )  # fmt: skip


def bill_correction_add(*, bill: Bill, gross: Decimal, reason: str, actor) -> BillCorrection:
    """Correct an issued bill: a credit (negative) or debit line on the organization's next bill."""
    if bill.status == BillStatus.DRAFT:
        raise BillNotEditable(
            _("A draft bill is corrected by running the bill run again, not by a correction.")
        )
    if isinstance(gross, float):
        raise InvalidInput(_("Enter the amount as a decimal number."))
    gross = quantize_fen(gross)
    if gross == 0:
        raise InvalidInput(_("A correction cannot be zero."), details={"gross": ["zero"]})
    if not (reason or "").strip():
        raise InvalidInput(_("Give the reason for the correction."), details={"reason": ["required"]})
    correction = BillCorrection.objects.create(
        organization=bill.organization, corrects=bill, gross=gross, reason=reason.strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    audit(verb="bill.correction", actor=actor, organization=bill.organization, obj=bill,
          data={"gross": str(gross), "reason": reason})  # fmt: skip
    return correction


def bill_line_guard(bill: Bill) -> None:
    """For callers that want to edit a bill by hand: refuse unless it is a draft."""
    if not bill.is_editable:
        raise BillNotEditable(_("This bill is issued; it cannot be changed."))


# --- pay-as-you-go balance notices ---------------------------------------------------------------------


def payg_notify_balances(*, today: dt.date | None = None) -> int:
    """Notify customer and sales once when a pay-as-you-go balance reaches 20 % and once at zero."""
    sent = 0
    today = today or timezone.localdate(timezone=display_tz())
    pools = (
        ResourcePool.objects.filter(sales_form=SalesForm.PAYG, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("organization", "region")
    )
    for pool in pools:
        balance = payg_balance(pool)
        if balance.level is None:
            continue
        levels = [PaygLevel.LOW] if balance.level == PaygLevel.LOW else [PaygLevel.LOW, PaygLevel.EXHAUSTED]
        new = []
        for level in levels:
            _notice, created = PaygNotice.objects.get_or_create(
                pool=pool, level=level, defaults={"remaining": balance.remaining}
            )
            if created:
                new.append(level)
        if not new:
            continue
        _send_balance_mail(pool=pool, balance=balance, level=new[-1])
        sent += 1
    return sent


def _send_balance_mail(*, pool, balance, level) -> None:
    org = pool.organization
    recipients = {m.user.email for m in org.memberships.select_related("user").filter(role="admin")}
    if org.contact_email:
        recipients.add(org.contact_email)
    if level == PaygLevel.EXHAUSTED:
        subject = _("Pay-as-you-go balance used up in %(region)s") % {"region": pool.region.name}
        body = _(
            "The pay-as-you-go deposit of %(org)s in %(region)s is used up (balance %(remaining)s). "
            "New pay-as-you-go workloads are refused until the deposit is topped up."
        )
    else:
        subject = _("Pay-as-you-go balance below 20%% in %(region)s") % {"region": pool.region.name}
        body = _(
            "The pay-as-you-go deposit of %(org)s in %(region)s is down to %(remaining)s "
            "(deposit %(deposit)s). Please top it up to keep pay-as-you-go workloads running."
        )
    body = body % {
        "org": org.legal_name, "region": pool.region.name,
        "remaining": f"¥{balance.remaining:,.2f}", "deposit": f"¥{balance.deposit:,.2f}",
    }  # fmt: skip
    send_mail(subject, body, None, sorted(recipients) + [settings.SALES_NOTIFY_EMAIL])
    audit(verb=f"payg.{level}", organization=org, obj=pool, data={"remaining": str(balance.remaining)})
