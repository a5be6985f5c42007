"""Catalog pages: the MCU spec with packages and prices, the inventory, the sizing assistant."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.tenancy import org_required
from catalog import availability, selectors, sizing
from catalog.forms import SizingForm
from catalog.packages import PACKAGES
from catalog.spec import MCU_SPEC


@require_GET
@org_required
def spec(request):
    regions = list(selectors.regions_on_sale())
    prices = selectors.prices_in_force(regions=regions)
    context = {
        "spec": MCU_SPEC,
        "packages": PACKAGES,
        "price_rows": [(region, prices.get(region.pk, {})) for region in regions],
        "upcoming": selectors.upcoming_prices(),
    }
    return render(request, "catalog/spec.html", context)


@require_GET
@org_required
def inventory(request):
    """Availability per region and domain kind; the table polls its partial (htmx) to stay current."""
    context = {"rows": availability.inventory_rows()}
    if request.htmx:
        return render(request, "catalog/inventory.html#table", context)
    return render(request, "catalog/inventory.html", context)


@require_GET
@org_required
def sizing_view(request):
    form = SizingForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        result = sizing.size_workload(
            task=data["task"],
            params_billion=data["params_billion"],
            precision=data["precision"],
            tokens_billion=data.get("tokens_billion") or 0,
            days=data.get("days") or 0,
            tokens_per_second=data.get("tokens_per_second") or 0,
        )
    context = {"form": form, "result": result}
    if request.htmx:
        return render(request, "catalog/sizing.html#result", context)
    return render(request, "catalog/sizing.html", context)
