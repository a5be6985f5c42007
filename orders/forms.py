"""The configurator's line form (SPEC R-3.2). Prices are not a field: the server prices every line."""

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.choices import DomainKind, SalesForm
from catalog.selectors import regions_on_sale
from orders.quotes import MAX_LINE_QUANTITY, MAX_LINES

LINE_FIELDS = ("region", "quantity", "domain_kind", "sales_form", "term_months", "deposit")


class LineForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"))
    quantity = forms.IntegerField(label=_("MCUs"), min_value=1, max_value=MAX_LINE_QUANTITY, initial=4)
    domain_kind = forms.ChoiceField(label=_("Scheduling domain"), choices=DomainKind.choices)
    sales_form = forms.ChoiceField(label=_("Sales form"), choices=SalesForm.choices, initial=SalesForm.ANNUAL)
    term_months = forms.IntegerField(
        label=_("Term (months)"),
        min_value=1,
        max_value=36,
        required=False,
        initial=12,
        help_text=_("Annual: 12, 24 or 36. Monthly: 1–36."),
    )
    deposit = forms.DecimalField(
        label=_("Deposit (¥)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("Pay-as-you-go only: prepaid; the MCU count is the ceiling."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.display_name) for r in regions_on_sale()]

    def as_line(self) -> dict:
        data = self.cleaned_data
        line = {name: data.get(name) for name in LINE_FIELDS}
        if line["deposit"] is not None:
            line["deposit"] = str(line["deposit"])
        return line


def line_count(data) -> int:
    try:
        n = int(data.get("lines", 1))
    except (TypeError, ValueError):
        n = 1
    return max(1, min(n, MAX_LINES))


def bound_line_forms(data) -> list[LineForm]:
    return [LineForm(data, prefix=f"line-{i}") for i in range(line_count(data))]


def initial_line_forms(initials: list[dict]) -> list[LineForm]:
    return [LineForm(initial=initial, prefix=f"line-{i}") for i, initial in enumerate(initials)]


def raw_lines(data) -> list[dict]:
    """The posted lines as plain values (to re-render after adding or removing a line)."""
    return [{name: data.get(f"line-{i}-{name}", "") for name in LINE_FIELDS} for i in range(line_count(data))]
