"""Customer pages of contracts: download the contract PDF, the order's next step (htmx), notifications."""

from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.tenancy import for_org, get_for_org, org_required
from contracts.models import Notification
from contracts.selectors import notifications_for_org
from contracts.services import contract_current
from orders.models import Order


def contract_response(contract) -> FileResponse:
    response = FileResponse(
        contract.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=contract.filename,
    )
    response["X-Content-SHA256"] = contract.sha256
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@org_required
def contract_download(request, order_pk: int):
    """The order's current contract (another tenant's order is a 404, R-4.5)."""
    order = get_for_org(Order.objects.select_related("organization"), request.org, pk=order_pk)
    return contract_response(contract_current(order=order, actor=request.user))


@require_GET
@org_required
def next_step(request, order_pk: int):
    """The next-step box alone, for htmx polling while MCUs are being delivered."""
    order = get_for_org(Order, request.org, pk=order_pk)
    return render(request, "orders/_next_step.html", {"order": order})


@require_GET
@org_required
def notification_list(request):
    notes = list(notifications_for_org(request.org, limit=50))
    for_org(Notification, request.org).filter(read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "contracts/notifications.html", {"notifications": notes})
