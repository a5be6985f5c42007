"""Contracts in the admin: the versions of each order's contract, and the sales action
"record signed contract" added to the order page (contracts → orders, DESIGN §1)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.models import Contract
from contracts.services import contract_record_signed
from mcu_console.exceptions import ServiceError
from orders.admin import OrderAdmin, ReadOnlyInline, SignedCopyForm, _bound, _form_errors
from orders.choices import OrderStatus
from orders.models import Order


class ContractInline(ReadOnlyInline):
    model = Contract
    fields = readonly_fields = (
        "number",
        "version",
        "pdf_link",
        "sha256",
        "created_at",
        "signed_at",
        "signed_copy_link",
        "signed_recorded_by",
    )

    @admin.display(description=gettext_lazy("contract PDF"))
    def pdf_link(self, obj):
        return _file_link(obj, "pdf", obj.filename) if obj.pdf else ""

    @admin.display(description=gettext_lazy("signed copy"))
    def signed_copy_link(self, obj):
        return _file_link(obj, "signed", _("download")) if obj.signed_copy else ""


def _file_link(obj, which, label):
    """Staff-only download through the admin (uploads are never served from a public media URL)."""
    url = reverse("admin:contracts_contract_file", args=[obj.pk, which])
    return format_html('<a href="{}">{}</a>', url, label)


class SalesOrderAdmin(OrderAdmin):
    inlines = [*OrderAdmin.inlines, ContractInline]

    def extra_urls(self, wrap):
        return [path("<int:pk>/signed/", wrap(self.signed_view), name="orders_order_signed")]

    def order_actions(self, request, order):
        actions = super().order_actions(request, order)
        if order.status == OrderStatus.PENDING_SIGNATURE and request.user.has_perm(
            "contracts.change_contract"
        ):
            actions.insert(
                0, (_("Record signed contract"), reverse("admin:orders_order_signed", args=[order.pk]))
            )
        return actions

    def signed_view(self, request, pk):
        order = self._order(request, pk, "contracts.change_contract")
        form = SignedCopyForm(*_bound(request))
        if request.method == "POST" and form.is_valid():
            try:
                contract = contract_record_signed(
                    order=order, actor=request.user, upload=form.cleaned_data["signed_copy"]
                )
            except ServiceError as exc:
                _form_errors(form, exc)
            else:
                self.message_user(
                    request,
                    _(
                        "Order %(number)s: signed contract %(contract)s recorded; "
                        "the order now waits for payment."
                    )
                    % {"number": order.number, "contract": str(contract)},
                    messages.SUCCESS,
                )
                return self._back(order)
        return self._form_page(
            request,
            order,
            form,
            _("Record signed contract"),
            _("Record that the contract signed by both parties came back."),
        )


admin.site.unregister(Order)
admin.site.register(Order, SalesOrderAdmin)


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("number", "version", "order", "organization", "created_at", "signed_at", "pdf_link")
    list_filter = ("signed_at",)
    search_fields = ("number", "order__number", "organization__legal_name")
    list_select_related = ("order", "organization")
    fields = readonly_fields = (
        "order",
        "organization",
        "number",
        "version",
        "pdf_link",
        "sha256",
        "source_hash",
        "created_at",
        "signed_at",
        "signed_copy_link",
        "signed_copy_sha256",
        "signed_recorded_by",
    )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/file/<str:which>/", wrap(self.file_view), name="contracts_contract_file"),
            *super().get_urls(),
        ]

    def file_view(self, request, pk, which):
        """Staff download of the PDF or the signed copy (media files are never served publicly)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        contract = get_object_or_404(Contract, pk=pk)
        field = {"pdf": contract.pdf, "signed": contract.signed_copy}.get(which)
        if not field:
            raise Http404
        return FileResponse(field.open("rb"), filename=field.name.rsplit("/", 1)[-1])

    pdf_link = ContractInline.pdf_link
    signed_copy_link = ContractInline.signed_copy_link

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
