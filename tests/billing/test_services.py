"""The bill run against real rows (SPEC R-5.1–R-5.6, DESIGN I-4, I-5, I-7)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from billing import services
from billing.choices import BillStatus, LineKind
from billing.exceptions import BillNotEditable, InvalidBillTransition, PaygBalanceExhausted
from billing.models import Bill, BillLine, BillStatusChange, PaygNotice, UsageDay
from billing.selectors import line_days, line_kinds, line_workloads, payg_balance, payg_check_can_start
from catalog.choices import SalesForm
from mcu_console.exceptions import InvalidInput
from tests.billing import factories as f
from tests.factories import make_staff

pytestmark = pytest.mark.django_db
D = Decimal
NOV = dt.date(2026, 11, 1)


def _bill(org, period=NOV):
    return Bill.objects.get(organization=org, period=period)


def test_annual_4_mcu_in_two_regions_bill_is_8640_00_prepaid_and_nothing_due(org):
    hz = f.region("cn-east-hz", "华东-杭州", 1)
    bj = f.region("cn-north-bj", "华北-北京", 2)
    f.pool(org, region_obj=hz, quantity=4, starts_on=dt.date(2026, 1, 1))
    f.pool(org, region_obj=bj, quantity=4, starts_on=dt.date(2026, 1, 1))
    services.bill_month(year=2026, month=11)
    bill = _bill(org)
    assert (bill.total, bill.net, bill.vat) == (D("8640.00"), D("8150.94"), D("489.06"))
    assert bill.prepaid == D("8640.00") and bill.amount_due == D("0.00")
    lines = list(bill.lines.all())
    assert [line.region.code for line in lines] == ["cn-east-hz", "cn-north-bj"]
    assert all(line.gross == D("4320.00") and line.amount_due == 0 for line in lines)
    assert bill.invoice_title == org.legal_name and bill.tax_id == org.credit_code


def test_payg_10_mcu_training_3h_at_2_20_is_45_weighted_mcu_h_99_00_drawn_from_deposit(org):
    account = f.pool(org, sales_form=SalesForm.PAYG, quantity=16, unit_price="2.20", deposit="1000.00",
                     starts_on=dt.date(2026, 10, 1))  # fmt: skip
    alloc = f.allocation(org, quantity=10)
    job = f.workload(org, kind="training", mcu_count=10, payg=True)
    f.usage(f.mcus(alloc, 10), day=dt.date(2026, 11, 5), hours=range(3), kind="training", wl=job)
    services.bill_month(year=2026, month=11)
    line = _bill(org).lines.get()
    assert line.kind == LineKind.PAYG
    assert line.weighted_mcu_hours == D("45")
    assert line.gross == D("99.00") and line.prepaid == D("99.00") and line.amount_due == 0
    assert payg_balance(account).remaining == D("901.00")


def test_coefficients_inference_1_0_development_0_8_data_processing_0_6_idle_1_0_in_drill_down(org):
    pool = f.pool(org, quantity=4, starts_on=dt.date(2026, 1, 1))
    alloc = f.allocation(org, reference=pool.allocation_reference, quantity=4)
    m = f.mcus(alloc, 4)
    day = dt.date(2026, 11, 3)
    for mcu, kind in zip(m, ["inference", "development", "data_processing", ""], strict=True):
        wl = f.workload(org, kind=kind, name=f"wl-{kind}") if kind else None
        f.usage([mcu], day=day, kind=kind, wl=wl)
    f.usage(
        [m[0]], day=day, hours=[5], kind="training", wl=f.workload(org, kind="training", name="wl-training")
    )
    services.bill_month(year=2026, month=11)
    line = _bill(org).lines.get()
    kinds = {row["workload_kind"]: row["coefficient"] for row in line_kinds(line, day)}
    assert kinds == {"inference": D("1.00"), "development": D("0.80"), "data_processing": D("0.60"),
                     "": D("1.00"), "training": D("1.50")}  # fmt: skip
    assert line.weighted_mcu_hours == D("1.0") + D("0.8") + D("0.6") + D("1.0") + D("1.5")
    days = line_days(line)
    assert [(d["day"], d["allocated"]) for d in days] == [(day, D("5"))]
    by_name = {w["name"]: w for w in line_workloads(line, day)}
    assert by_name["wl-development"]["coefficient"] == D("0.80") and by_name["wl-development"]["mcus"] == 1
    assert by_name[""]["weighted"] == D("1.0")  # idle allocated time: one row, coefficient 1.0
    # Pool customers pay the fixed fee; coefficients only weigh consumption.
    assert line.gross == D("4320.00")


def test_pool_starting_on_16th_of_30_day_month_is_billed_15_days(org):
    f.pool(org, sales_form=SalesForm.MONTHLY, quantity=4, unit_price="1280", starts_on=dt.date(2026, 11, 16),
           amount_due=D("0"))  # fmt: skip
    services.bill_month(year=2026, month=11)
    line = _bill(org).lines.get()
    assert (line.days, line.days_in_period, line.gross, line.amount_due) == (
        15,
        30,
        D("2560.00"),
        D("2560.00"),
    )


def test_month_of_31_days_bills_full_month_and_prorates_by_31(org):
    f.pool(org, sales_form=SalesForm.MONTHLY, quantity=4, unit_price="1280", starts_on=dt.date(2026, 12, 16),
           amount_due=D("0"))  # fmt: skip
    f.pool(org, sales_form=SalesForm.MONTHLY, quantity=1, unit_price="1280", starts_on=dt.date(2026, 1, 1),
           amount_due=D("0"))  # fmt: skip
    services.bill_month(year=2026, month=12)
    half, full = sorted(_bill(org, dt.date(2026, 12, 1)).lines.all(), key=lambda line: line.days)
    assert (half.days, half.days_in_period, half.gross) == (16, 31, D("2642.58"))
    assert (full.days, full.gross) == (31, D("1280.00"))


def test_monthly_pool_first_payment_is_drawn_as_prepaid_then_billed(org):
    pool = f.pool(
        org, sales_form=SalesForm.MONTHLY, quantity=1, unit_price="1280", starts_on=dt.date(2026, 10, 16)
    )
    services.bill_month(year=2026, month=10)  # 16/31 × 1280 = 660.65, covered by the ¥1,280 first payment
    services.bill_month(year=2026, month=11)  # 1280, of which 619.35 is what is left of the first payment
    oct_line = BillLine.objects.get(pool=pool, bill__period=dt.date(2026, 10, 1))
    nov_line = BillLine.objects.get(pool=pool, bill__period=NOV)
    assert (oct_line.gross, oct_line.prepaid, oct_line.amount_due) == (D("660.65"), D("660.65"), D("0.00"))
    assert (nov_line.gross, nov_line.prepaid, nov_line.amount_due) == (D("1280.00"), D("619.35"), D("660.65"))


def test_rounding_that_would_leak_a_fen_bill_is_sum_of_lines(org):
    for _ in range(2):
        f.pool(org, sales_form=SalesForm.MONTHLY, quantity=1, unit_price="1.00", amount_due=D("0"))
    services.bill_month(year=2026, month=11)
    bill = _bill(org)
    assert (bill.net, bill.vat, bill.total) == (D("1.88"), D("0.12"), D("2.00"))


def test_bill_run_twice_gives_one_bill_and_changes_nothing(org, other_org):
    f.pool(org, quantity=8)
    f.pool(other_org, quantity=4)
    first = services.bill_month(year=2026, month=11)
    before = list(BillLine.objects.order_by("pk").values())
    second = services.bill_month(year=2026, month=11)
    assert first["created"] == 2 and second == {"created": 0, "updated": 0, "unchanged": 2, "frozen": 0}
    assert Bill.objects.filter(period=NOV).count() == 2
    assert list(BillLine.objects.order_by("pk").values()) == before
    assert BillStatusChange.objects.count() == 2


def test_draft_is_refreshed_when_usage_arrives(org):
    account = f.pool(
        org, sales_form=SalesForm.PAYG, unit_price="2.20", deposit="100", starts_on=dt.date(2026, 11, 1)
    )
    services.bill_month(year=2026, month=11)
    assert _bill(org).total == 0
    alloc = f.allocation(org)
    f.usage(f.mcus(alloc, 1), day=dt.date(2026, 11, 30), kind="inference", local_hour_start=23)
    assert services.bill_month(year=2026, month=11)["updated"] == 1
    assert _bill(org).total == D("2.20")
    assert UsageDay.objects.get(pool=account).day == dt.date(2026, 11, 30)  # 23:00 Shanghai is still the 30th


def test_issued_bill_refuses_edits_and_the_bill_run(org):
    pool = f.pool(org, sales_form=SalesForm.MONTHLY, quantity=2, unit_price="1280", amount_due=D("0"))
    services.bill_month(year=2026, month=11)
    finance = make_staff("finance")
    bill = services.bill_issue(bill=_bill(org), actor=finance)
    pool.quantity = 3
    pool.save()
    assert services.bill_month(year=2026, month=11)["frozen"] == 1
    assert _bill(org).total == D("2560.00")
    line = bill.lines.get()
    line.gross = D("1")
    with pytest.raises(BillNotEditable):
        line.save()
    with pytest.raises(BillNotEditable):
        line.delete()
    with pytest.raises(BillNotEditable):
        BillLine.objects.create(bill=bill, kind=LineKind.ADJUSTMENT, description="x")
    with pytest.raises(InvalidBillTransition):
        services.bill_issue(bill=bill, actor=finance)


def test_correction_is_a_credit_line_on_the_next_bill(org):
    f.pool(org, sales_form=SalesForm.MONTHLY, quantity=1, unit_price="1280", starts_on=dt.date(2026, 1, 1),
           amount_due=D("0"))  # fmt: skip
    services.bill_month(year=2026, month=10)
    october = services.bill_issue(bill=_bill(org, dt.date(2026, 10, 1)), actor=None)
    services.bill_correction_add(bill=october, gross=D("-106.00"), reason="SLA credit October", actor=None)
    services.bill_month(year=2026, month=11)
    services.bill_month(year=2026, month=11)
    nov = _bill(org)
    credit = nov.lines.get(kind=LineKind.ADJUSTMENT)
    assert (credit.gross, credit.net, credit.vat, credit.corrects) == (
        D("-106.00"),
        D("-100.00"),
        D("-6.00"),
        october,
    )
    assert nov.total == D("1174.00")
    assert _bill(org, dt.date(2026, 10, 1)).total == D("1280.00")  # the issued bill is untouched
    services.bill_month(year=2026, month=12)
    assert not _bill(org, dt.date(2026, 12, 1)).lines.filter(kind=LineKind.ADJUSTMENT).exists()


def test_correction_refuses_zero_drafts_and_missing_reason(org):
    f.pool(org)
    services.bill_month(year=2026, month=11)
    with pytest.raises(BillNotEditable):
        services.bill_correction_add(bill=_bill(org), gross=D("1"), reason="x", actor=None)
    bill = services.bill_issue(bill=_bill(org), actor=None)
    with pytest.raises(InvalidInput):
        services.bill_correction_add(bill=bill, gross=D("0"), reason="x", actor=None)
    with pytest.raises(InvalidInput):
        services.bill_correction_add(bill=bill, gross=D("5"), reason=" ", actor=None)


def test_mark_paid_needs_an_issued_bill_and_a_reference(org):
    f.pool(org)
    services.bill_month(year=2026, month=11)
    bill = _bill(org)
    with pytest.raises(InvalidBillTransition):
        services.bill_mark_paid(bill=bill, bank_reference="B-1", actor=None)
    bill = services.bill_issue(bill=bill, actor=None)
    with pytest.raises(InvalidInput):
        services.bill_mark_paid(bill=bill, bank_reference="  ", actor=None)
    bill = services.bill_mark_paid(bill=bill, bank_reference="CMB20261205001", actor=None)
    assert bill.status == BillStatus.PAID and bill.bank_reference == "CMB20261205001"
    assert list(bill.status_changes.values_list("to_status", flat=True)) == ["draft", "issued", "paid"]


def test_bill_month_refuses_a_bad_month():
    with pytest.raises(InvalidInput):
        services.bill_month(year=2026, month=13)


def test_payg_balance_notices_at_20_percent_and_zero_once_each(org, alice):
    account = f.pool(org, sales_form=SalesForm.PAYG, unit_price="2.00", deposit="10.00",
                     starts_on=dt.date(2026, 11, 1))  # fmt: skip
    m = f.mcus(f.allocation(org), 1)
    f.usage(m, day=dt.date(2026, 11, 2), hours=range(4), kind="inference")  # ¥8 used, ¥2 left = 20 %
    assert payg_balance(account).level == "low"
    assert services.payg_notify_balances(today=dt.date(2026, 11, 3)) == 1
    assert services.payg_notify_balances(today=dt.date(2026, 11, 3)) == 0
    assert alice.email in mail.outbox[0].to and "sales@memorylake.example" in mail.outbox[0].to
    payg_check_can_start(organization=org, region=account.region)  # still allowed
    f.usage(m, day=dt.date(2026, 11, 2), hours=[10], kind="inference")  # ¥10 used
    assert payg_balance(account).remaining == D("0.00")
    assert services.payg_notify_balances(today=dt.date(2026, 11, 3)) == 1
    assert set(PaygNotice.objects.values_list("level", flat=True)) == {"low", "exhausted"}
    with pytest.raises(PaygBalanceExhausted) as exc:
        payg_check_can_start(organization=org, region=account.region)
    assert exc.value.status == 409


def test_payg_usage_of_one_tenant_never_counts_for_another(org, other_org):
    mine = f.pool(
        org, sales_form=SalesForm.PAYG, unit_price="2.00", deposit="10", starts_on=dt.date(2026, 11, 1)
    )
    f.pool(
        other_org, sales_form=SalesForm.PAYG, unit_price="2.00", deposit="10", starts_on=dt.date(2026, 11, 1)
    )
    f.usage(f.mcus(f.allocation(other_org), 3), day=dt.date(2026, 11, 2), kind="training")
    assert payg_balance(mine).consumed == 0
    services.bill_month(year=2026, month=11)
    assert _bill(org).total == 0 and _bill(other_org).total == D("9.00")


def test_bill_run_racing_another_run_still_ends_with_one_correct_bill(org):
    from unittest import mock

    f.pool(org, quantity=4)
    original = services._create_bills

    def other_run_first(new_bills, corrections_by_org):
        # A concurrent run commits its (empty) draft for the same org and month just before ours.
        Bill.objects.create(organization=org, period=NOV)
        return original(new_bills, corrections_by_org)

    with mock.patch.object(services, "_create_bills", side_effect=other_run_first):
        counts = services.bill_month(year=2026, month=11)
    assert counts["updated"] == 1
    bill = _bill(org)
    assert bill.total == D("4320.00") and bill.lines.count() == 1


def test_database_refuses_a_line_whose_net_and_vat_do_not_add_up(org):
    from django.db import IntegrityError, transaction

    f.pool(org)
    services.bill_month(year=2026, month=11)
    bill = _bill(org)
    with pytest.raises(IntegrityError), transaction.atomic():
        BillLine.objects.create(bill=bill, kind=LineKind.ADJUSTMENT, description="x", gross=D("1.00"),
                                net=D("0.95"), vat=D("0.06"), amount_due=D("1.00"))  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        BillLine.objects.create(bill=bill, kind=LineKind.ADJUSTMENT, description="x", gross=D("1.00"),
                                net=D("0.94"), vat=D("0.06"), prepaid=D("0.50"),
                                amount_due=D("0.49"))  # fmt: skip
