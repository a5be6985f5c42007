"""GET /api/v1/orders/{id}/contract.pdf — the same contract the console serves (R-3.6)."""

from ninja import Router

from accounts.tenancy import get_for_org
from contracts.services import contract_current
from contracts.views import contract_response
from orders.models import Order

router = Router(tags=["orders"])


@router.get(
    "/orders/{order_id}/contract.pdf",
    summary="Download the order's service contract (PDF)",
    response={200: None},
    openapi_extra={
        "responses": {200: {"content": {"application/pdf": {}}, "description": "the contract PDF"}}
    },
)
def contract_pdf(request, order_id: int):
    """The current contract version; the `X-Content-SHA256` header carries the PDF's stored hash."""
    order = get_for_org(Order.objects.select_related("organization"), request.org, pk=order_id)
    return contract_response(contract_current(order=order))
