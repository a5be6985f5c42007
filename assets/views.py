"""The customer's asset dashboard and workloads (SPEC R-3.5, issue 6). Thin: selectors read, the
scheduler's workload services write."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.choices import Role
from accounts.tenancy import get_for_org, org_required
from assets import selectors
from assets.forms import WorkloadForm
from assets.services import workload_stop as workload_stop_service
from assets.services import workload_submit
from mcu_console.exceptions import ServiceError
from scheduler.choices import WorkloadStatus
from scheduler.models import Workload

HEALTH_POLL_SECONDS = 10
STOPPABLE = (WorkloadStatus.QUEUED, WorkloadStatus.RUNNING, WorkloadStatus.RECOVERING)


@require_GET
@org_required
def dashboard(request):
    board = selectors.dashboard(request.org)
    return render(
        request,
        "assets/dashboard.html",
        {
            "board": board,
            "figure": selectors.trend_figure(board.trend),
            "trend_table": selectors.trend_table(board.trend),
            "poll_seconds": HEALTH_POLL_SECONDS,
        },
    )


@require_GET
@org_required
def health_matrix(request):
    """The dot matrix: the dashboard loads it with htmx and polls it; a page of its own without JS."""
    cells = selectors.mcu_cells(request.org)
    template = "assets/health.html#matrix" if request.htmx else "assets/health.html"
    return render(
        request, template, {"groups": selectors.matrix_groups(cells), "poll_seconds": HEALTH_POLL_SECONDS}
    )


@require_GET
@org_required
def workload_list(request):
    status = request.GET.get("status") or None
    if status not in WorkloadStatus.values:
        status = None
    workloads = list(selectors.workloads_for_org(request.org, status=status)[:200])
    template = "assets/workloads.html#rows" if request.htmx else "assets/workloads.html"
    return render(
        request,
        template,
        {"workloads": workloads, "status": status, "statuses": WorkloadStatus.choices},
    )


@require_http_methods(["GET", "POST"])
@org_required(role=Role.MEMBER)
def workload_new(request):
    payg_available = selectors.payg_available(request.org)
    form = WorkloadForm(request.POST or None, payg_available=payg_available)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            workload = workload_submit(
                organization=request.org,
                name=data["name"],
                kind=data["kind"],
                region=data["region"],
                mcu_count=data["mcu_count"],
                tightly_coupled=data["tightly_coupled"],
                payg=data.get("payg", False),
                actor=request.user,
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Task “%(name)s” submitted.") % {"name": workload.name})
            return redirect("assets:workload_detail", pk=workload.pk)
    return render(request, "assets/workload_new.html", {"form": form})


@require_GET
@org_required
def workload_detail(request, pk):
    workload = get_for_org(Workload.objects.select_related("region"), request.org, pk=pk)
    mcus = list(workload.mcus.order_by("public_id").values_list("public_id", "status"))
    return render(
        request,
        "assets/workload_detail.html",
        {
            "workload": workload,
            "mcus": mcus,
            "stoppable": workload.status in STOPPABLE and request.membership.has_role(Role.MEMBER),
        },
    )


@require_POST
@org_required(role=Role.MEMBER)
def workload_stop(request, pk):
    workload = get_for_org(Workload.objects.all(), request.org, pk=pk)
    try:
        workload_stop_service(workload=workload, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Task “%(name)s” stopped.") % {"name": workload.name})
    return redirect("assets:workload_detail", pk=workload.pk)
