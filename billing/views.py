"""Customer pages: bills, bill detail with drill-down, exports, MCU consumption detail (issue 7 §4–§5).

Every read goes through billing.selectors with request.org (SPEC R-4.5): another tenant's bill is a 404.
"""

import datetime as dt

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.tenancy import org_required
from billing import exports, selectors
from billing.forms import IDLE, UsageFilterForm
from mcu_console.timeutil import local_today

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def bill_file_response(bill, fmt: str, org_slug: str = "bill"):
    """The bill as CSV, XLSX or PDF (shared with the API and the finance admin)."""
    name = f"mcu-bill-{bill.period_label}-{bill.organization_id}"
    if fmt == "csv":
        return _attachment(StreamingHttpResponse(exports.bill_csv(bill), content_type=CSV), f"{name}.csv")
    if fmt == "xlsx":
        return FileResponse(
            exports.bill_xlsx(bill), as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX
        )
    if fmt == "pdf":
        return _attachment(
            HttpResponse(exports.bill_pdf(bill), content_type="application/pdf"), f"{name}.pdf"
        )
    raise Http404


@require_GET
@org_required
def bills(request):
    return render(
        request,
        "billing/bills.html",
        {
            "bills": selectors.bills_for_org(request.org),
            "balances": selectors.payg_balances_for_org(request.org),
        },
    )


@require_GET
@org_required
def bill_detail(request, period):
    bill = selectors.bill_for_org(request.org, period)
    lines = list(bill.lines.all())
    return render(request, "billing/bill_detail.html", {"bill": bill, "lines": lines})


@require_GET
@org_required
def bill_export(request, period, fmt):
    bill = selectors.bill_for_org(request.org, period)
    return bill_file_response(bill, fmt)


def _parse_day(text: str | None, bill) -> dt.date | None:
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise Http404 from None
    if not (bill.period <= day <= bill.period_end):
        raise Http404
    return day


@require_GET
@org_required
def line_detail(request, period, line_id):
    """Drill-down: a line → its days → workload kinds on a day → the workloads (with the coefficient)."""
    bill = selectors.bill_for_org(request.org, period)
    line = selectors.bill_line_for_org(request.org, bill, line_id)
    day = _parse_day(request.GET.get("day"), bill)
    kind = request.GET.get("kind")
    if kind is not None:
        kind = "" if kind == IDLE else kind
    context = {
        "bill": bill,
        "line": line,
        "day": day,
        "kind": kind,
        "idle": IDLE,
        "days": selectors.line_days(line),
        "kinds": selectors.line_kinds(line, day) if day else [],
        "workloads": selectors.line_workloads(line, day, kind) if day else [],
    }
    template = "billing/line_detail.html#drill" if request.htmx else "billing/line_detail.html"
    return render(request, template, context)


def _usage_query(request):
    form = UsageFilterForm(request.GET or None)
    today = local_today()
    period = today.replace(day=1)
    filters = {"region": None, "kind": None, "mcu": ""}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["month"]:
            period = selectors.parse_period(data["month"])
        filters["region"] = data["region"]
        if data["kind"]:
            filters["kind"] = "" if data["kind"] == IDLE else data["kind"]
        filters["mcu"] = data["mcu"]
    end = selectors.month_end(period) + dt.timedelta(days=1)
    valid = not form.is_bound or form.is_valid()
    rows = selectors.consumption_detail(request.org, start=period, end=end, **filters) if valid else None
    return form, period, rows


@require_GET
@org_required
def usage(request):
    """MCU consumption detail, per MCU per day per workload kind, with filters; CSV/XLSX of the same rows."""
    form, period, rows = _usage_query(request)
    fmt = request.GET.get("format")
    if rows is not None and fmt in ("csv", "xlsx"):
        name = f"mcu-usage-{period:%Y-%m}"
        if fmt == "csv":
            return _attachment(
                StreamingHttpResponse(exports.consumption_csv(rows), content_type=CSV), f"{name}.csv"
            )
        return FileResponse(exports.consumption_xlsx(rows), as_attachment=True, filename=f"{name}.xlsx",
                            content_type=XLSX)  # fmt: skip
    page = None
    if rows is not None:
        page = Paginator(rows, 100).get_page(request.GET.get("page"))
        page.object_list = [selectors.consumption_row(row) for row in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    context = {"form": form, "period": period, "page": page, "query": query.urlencode()}
    template = "billing/usage.html#results" if request.htmx else "billing/usage.html"
    return render(request, template, context)
