"""Console pages of ordering: configurator with a live quote, order placement, list, detail, cancel."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.choices import Role
from accounts.tenancy import org_required, require_role
from catalog.choices import DomainKind, SalesForm
from catalog.packages import PACKAGES, PACKAGES_BY_CODE
from catalog.selectors import regions_on_sale
from mcu_console.exceptions import InvalidInput, ServiceError
from mcu_console.timeutil import display_tz
from orders import selectors, services
from orders.choices import OPEN_STATUSES
from orders.forms import bound_line_forms, initial_line_forms, raw_lines
from orders.quotes import MAX_LINES, quote_build

NEXT_STEP_TEMPLATE = "orders/_next_step.html"  # written by the contract-to-cash work (issue 5)


def _initial_line(params) -> dict:
    """A first line from the query string: a package, or a region/domain/quantity from inventory or sizing."""
    regions = list(regions_on_sale())
    line = {
        "region": regions[0].code if regions else "",
        "quantity": 4,
        "domain_kind": DomainKind.NORMAL,
        "sales_form": SalesForm.ANNUAL,
        "term_months": 12,
    }
    package = PACKAGES_BY_CODE.get(params.get("package", ""))
    if package:
        line.update(quantity=package.quantity, domain_kind=package.domain_kind)
    if params.get("region") in {r.code for r in regions}:
        line["region"] = params["region"]
    if params.get("domain_kind") in DomainKind.values:
        line["domain_kind"] = params["domain_kind"]
    quantity = params.get("quantity", "")
    if quantity.isdigit() and 0 < int(quantity) <= 4096:
        line["quantity"] = int(quantity)
    return line


def _quote_for(forms):
    """(quote, errors): the server's quote for valid forms; field errors are put on the forms."""
    if not all(form.is_valid() for form in forms):
        return None, [_("Correct the highlighted fields to see the quote.")]
    try:
        return quote_build(lines=[form.as_line() for form in forms]), []
    except InvalidInput as exc:
        _apply_errors(forms, exc)
        return None, [exc.message]


def _apply_errors(forms, exc: InvalidInput) -> None:
    for index, errors in (exc.details.get("lines") or {}).items():
        form = forms[int(index)]
        for field, message in errors.items():
            form.add_error(field if field in form.fields else None, message)


def _render_configure(request, forms, quote=None, errors=(), status=200):
    context = {
        "forms": forms,
        "quote": quote,
        "quote_errors": errors,
        "packages": PACKAGES,
        "max_lines": MAX_LINES,
        "can_order": request.membership.has_role(Role.MEMBER),
        "hold_days": settings.ORDER_HOLD_DAYS,
    }
    return render(request, "orders/configure.html", context, status=status)


@require_http_methods(["GET", "POST"])
@org_required
def configure(request):
    """Build lines, see the live quote (htmx posts to `quote`), add or remove lines, place the order."""
    if request.method == "GET":
        forms = initial_line_forms([_initial_line(request.GET)])
        quote, errors = _quote_for(bound_line_forms(_as_data([_initial_line(request.GET)])))
        return _render_configure(request, forms, quote, errors)
    action = request.POST.get("action", "refresh")
    lines = raw_lines(request.POST)
    if action == "add" and len(lines) < MAX_LINES:
        lines.append({**lines[-1], "region": _next_region(lines[-1].get("region"))})
        forms = bound_line_forms(_as_data(lines))
        quote, errors = _quote_for(forms)
        return _render_configure(request, forms, quote, errors)
    if action.startswith("remove-") and len(lines) > 1:
        index = action.removeprefix("remove-")
        if index.isdigit() and int(index) < len(lines):
            del lines[int(index)]
        forms = bound_line_forms(_as_data(lines))
        quote, errors = _quote_for(forms)
        return _render_configure(request, forms, quote, errors)
    if action != "place":  # "refresh" (Enter in a field, or no JavaScript): show the quote again
        forms = bound_line_forms(request.POST)
        quote, errors = _quote_for(forms)
        return _render_configure(request, forms, quote, errors)
    require_role(request, Role.MEMBER)
    forms = bound_line_forms(request.POST)
    if not all(form.is_valid() for form in forms):
        return _render_configure(request, forms, None, [_("Correct the highlighted fields.")], status=422)
    try:
        order = services.order_place(
            organization=request.org, lines=[form.as_line() for form in forms], actor=request.user
        )
    except InvalidInput as exc:
        _apply_errors(forms, exc)
        return _render_configure(request, forms, None, [exc.message], status=422)
    except ServiceError as exc:  # not enough capacity (409): nothing was held or created
        quote, _errors = _quote_for(forms)
        return _render_configure(request, forms, quote, [exc.message], status=exc.status)
    messages.success(
        request,
        _("Order %(number)s placed. Its capacity is held until %(until)s; next, sign the contract.")
        % {"number": order.number, "until": _local_text(order.hold_expires_at)},
    )
    return redirect("orders:detail", pk=order.pk)


def _local_text(value) -> str:
    return f"{timezone.localtime(value, display_tz()):%Y-%m-%d %H:%M}"


def _as_data(lines: list[dict]) -> dict:
    data = {"lines": str(len(lines))}
    for i, line in enumerate(lines):
        for name, value in line.items():
            data[f"line-{i}-{name}"] = "" if value is None else str(value)
    return data


def _next_region(code: str | None) -> str:
    """A new line defaults to the next region: ordering across regions is the common reason to add one."""
    codes = [r.code for r in regions_on_sale()]
    if not codes:
        return ""
    if code in codes:
        return codes[(codes.index(code) + 1) % len(codes)]
    return codes[0]


@require_POST
@org_required
def quote(request):
    """The live quote partial (htmx): priced on the server from the price book, never from the client."""
    forms = bound_line_forms(request.POST)
    quote, errors = _quote_for(forms)
    return render(
        request,
        "orders/configure.html#quote",
        {"quote": quote, "quote_errors": errors, "forms": forms, "hold_days": settings.ORDER_HOLD_DAYS},
    )


@require_GET
@org_required
def order_list(request):
    return render(request, "orders/list.html", {"orders": selectors.orders_for_org(request.org)})


def _has_next_step() -> bool:
    try:
        get_template(NEXT_STEP_TEMPLATE)
    except TemplateDoesNotExist:
        return False
    return True


@require_GET
@org_required
def order_detail(request, pk: int):
    order = selectors.order_for_org(request.org, pk)
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "timeline": selectors.order_timeline(order),
        "summary": selectors.order_summary(order),
        "has_next_step": _has_next_step(),
        "can_cancel": order.status in OPEN_STATUSES and request.membership.has_role(Role.MEMBER),
    }
    return render(request, "orders/detail.html", context)


@require_POST
@org_required(role=Role.MEMBER)
def order_cancel(request, pk: int):
    order = selectors.order_for_org(request.org, pk)
    try:
        services.order_cancel(order=order, actor=request.user, reason=request.POST.get("reason", "")[:300])
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Order %(number)s is cancelled; its capacity was released.") % {"number": order.number}
        )
    return redirect("orders:detail", pk=order.pk)
