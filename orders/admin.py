"""The sales admin (SPEC §7, R-3.4): an order queue by status and actions that call services.

Status fields are read-only: every change goes through a service (orders.payments, orders.services,
contracts.services) and is an audit event with the staff user. Refusals come back as admin messages.
The "record signed contract" action is added by contracts/admin.py (contracts → orders, DESIGN §1).
"""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mcu_console.exceptions import ServiceError
from mcu_console.money import format_cny, quantize_fen
from mcu_console.timeutil import local_today
from orders import services
from orders.choices import OPEN_STATUSES, OrderStatus
from orders.models import BankTransfer, Order, OrderLine, OrderStatusChange, ResourcePool
from orders.payments import (
    amount_outstanding,
    amount_received,
    foreign_payers,
    payment_confirm,
    transfer_record,
)
from orders.uploads import MAX_UPLOAD_BYTES


class TransferForm(forms.Form):
    amount = forms.DecimalField(
        label=gettext_lazy("Amount (¥)"), max_digits=14, decimal_places=2, min_value=0.01
    )
    payer_name = forms.CharField(label=gettext_lazy("Payer name"), max_length=200)
    bank_reference = forms.CharField(label=gettext_lazy("Bank reference"), max_length=80)
    received_on = forms.DateField(
        label=gettext_lazy("Date received"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    receipt = forms.FileField(
        label=gettext_lazy("Receipt (optional)"),
        required=False,
        help_text=gettext_lazy("PDF, JPG or PNG, at most 10 MB."),
    )


class ConfirmForm(forms.Form):
    payer_override_reason = forms.CharField(
        label=gettext_lazy("Payer name override: reason"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Required when a payer is not the organization's legal name."),
    )


class ExtendHoldForm(forms.Form):
    days = forms.IntegerField(label=gettext_lazy("Extend by (days)"), min_value=1, max_value=30, initial=7)


class SignedCopyForm(forms.Form):
    signed_copy = forms.FileField(
        label=gettext_lazy("Signed copy (optional)"),
        required=False,
        help_text=gettext_lazy(
            "The scan of the contract signed by both parties: PDF, JPG or PNG, at most 10 MB."
        ),
    )


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LineInline(ReadOnlyInline):
    model = OrderLine
    fields = (
        "region",
        "quantity",
        "domain_kind",
        "sales_form",
        "term_months",
        "unit_price",
        "monthly_fee",
        "deposit",
        "amount_due",
    )
    readonly_fields = fields


class TransferInline(ReadOnlyInline):
    model = BankTransfer
    fields = readonly_fields = (
        "received_on",
        "amount",
        "payer_name",
        "bank_reference",
        "receipt_link",
        "recorded_by",
        "recorded_at",
    )

    @admin.display(description=gettext_lazy("receipt"))
    def receipt_link(self, obj):
        """Staff-only download through the admin (uploads are never served from a public media URL)."""
        if not obj.receipt:
            return ""
        url = reverse("admin:orders_order_receipt", args=[obj.order_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("download"))


class StatusChangeInline(ReadOnlyInline):
    model = OrderStatusChange
    fields = ("at", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("status history")


class PoolInline(ReadOnlyInline):
    model = ResourcePool
    fk_name = "organization"
    fields = ("region", "domain_kind", "sales_form", "quantity", "deposit", "starts_on", "ends_on")
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """The order queue: open orders first, filter by status; per-order actions on the change page."""

    list_display = (
        "number",
        "organization",
        "status_badge",
        "total_cny",
        "received_cny",
        "delivery_status",
        "hold_expires_at",
        "created_at",
    )
    list_filter = ("status", "delivery_status")
    search_fields = (
        "number",
        "organization__legal_name",
        "transfers__bank_reference",
        "transfers__payer_name",
    )
    list_select_related = ("organization",)
    ordering = ("-created_at",)
    inlines = [LineInline, TransferInline, StatusChangeInline]
    actions = ["confirm_selected", "extend_hold_7_days"]
    readonly_fields = (
        "number",
        "organization",
        "status",
        "total",
        "monthly_fee",
        "received_cny",
        "outstanding_cny",
        "hold_expires_at",
        "delivery_status",
        "delivery_error",
        "payer_override_reason",
        "created_by",
        "created_at",
        "paid_at",
        "delivered_at",
    )
    fields = readonly_fields
    change_form_template = "admin/orders/order/change_form.html"

    # --- the queue ------------------------------------------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_received=Sum("transfers__amount"))

    def has_add_permission(self, request):
        return False  # customers place orders (console, API)

    def has_delete_permission(self, request, obj=None):
        return False  # orders are records; they end as cancelled or expired

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_badge(self, obj):
        return format_html(
            '<span class="order-status order-status-{}">{}</span>', obj.status, obj.get_status_display()
        )

    @admin.display(description=gettext_lazy("amount due"), ordering="total")
    def total_cny(self, obj):
        return format_cny(obj.total)

    @admin.display(description=gettext_lazy("received"))
    def received_cny(self, obj):
        received = getattr(obj, "_received", None)
        return (
            format_cny(quantize_fen(received or 0))
            if received is not None
            else format_cny(amount_received(obj))
        )

    @admin.display(description=gettext_lazy("outstanding"))
    def outstanding_cny(self, obj):
        return format_cny(amount_outstanding(obj))

    # --- bulk actions ---------------------------------------------------------------------------

    @admin.action(
        description=gettext_lazy("Confirm payment of the selected orders"), permissions=["confirm_payment"]
    )
    def confirm_selected(self, request, queryset):
        for order in queryset:
            self._run(
                request,
                order,
                lambda o=order: payment_confirm(order=o, actor=request.user),
                _("Order %(number)s: payment confirmed; delivery queued."),
            )

    @admin.action(
        description=gettext_lazy("Extend the hold of the selected orders by 7 days"), permissions=["change"]
    )
    def extend_hold_7_days(self, request, queryset):
        for order in queryset:
            self._run(
                request,
                order,
                lambda o=order: _extend(o, 7, request.user),
                _("Order %(number)s: hold extended."),
            )

    def has_confirm_payment_permission(self, request):
        return request.user.has_perm("orders.confirm_payment")

    def _run(self, request, order, call, success: str) -> bool:
        try:
            call()
        except ServiceError as exc:
            self.message_user(request, f"{order.number}: {exc.message}", messages.ERROR)
            return False
        self.message_user(request, success % {"number": order.number}, messages.SUCCESS)
        return True

    # --- per-order action pages -----------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/transfer/", wrap(self.transfer_view), name="orders_order_transfer"),
            path("<int:pk>/confirm/", wrap(self.confirm_view), name="orders_order_confirm"),
            path("<int:pk>/extend-hold/", wrap(self.extend_hold_view), name="orders_order_extend_hold"),
            path("<int:pk>/receipt/<int:transfer_pk>/", wrap(self.receipt_view), name="orders_order_receipt"),
            *self.extra_urls(wrap),
            *super().get_urls(),
        ]

    def extra_urls(self, wrap):
        return []

    def order_actions(self, request, order) -> list[tuple[str, str]]:
        """(label, url) of the actions that make sense for this order and this user."""
        actions = []
        is_open = order.status in OPEN_STATUSES
        if is_open and request.user.has_perm("orders.add_banktransfer"):
            actions.append(
                (_("Record bank transfer"), reverse("admin:orders_order_transfer", args=[order.pk]))
            )
        if order.status == OrderStatus.PENDING_PAYMENT and request.user.has_perm("orders.confirm_payment"):
            actions.append((_("Confirm payment"), reverse("admin:orders_order_confirm", args=[order.pk])))
        if is_open and request.user.has_perm("orders.change_order"):
            actions.append((_("Extend hold"), reverse("admin:orders_order_extend_hold", args=[order.pk])))
        return actions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self.get_object(request, object_id)
        extra_context = {**(extra_context or {})}
        if order is not None:
            extra_context["order_actions"] = self.order_actions(request, order)
        # Every field is read-only: changes go through the actions above, so there is nothing to save.
        extra_context.update(show_save=False, show_save_and_continue=False, show_save_and_add_another=False)
        return super().change_view(request, object_id, form_url, extra_context)

    def _order(self, request, pk, perm: str) -> Order:
        if not request.user.has_perm(perm):
            raise PermissionDenied
        return get_object_or_404(Order.objects.select_related("organization"), pk=pk)

    def _form_page(self, request, order, form, title: str, intro: str = "", submit: str = ""):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": order,
            "title": title,
            "intro": intro,
            "form": form,
            "submit_label": submit or title,
            "received": format_cny(amount_received(order)),
            "outstanding": format_cny(amount_outstanding(order)),
            "total": format_cny(order.total),
        }
        return TemplateResponse(request, "admin/orders/order/action_form.html", context)

    def _back(self, order):
        return redirect("admin:orders_order_change", order.pk)

    def transfer_view(self, request, pk):
        order = self._order(request, pk, "orders.add_banktransfer")
        form = TransferForm(
            *_bound(request),
            initial={"payer_name": order.organization.legal_name, "received_on": local_today()},
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                transfer_record(
                    order=order,
                    actor=request.user,
                    amount=data["amount"],
                    payer_name=data["payer_name"],
                    bank_reference=data["bank_reference"],
                    received_on=data["received_on"],
                    receipt=data["receipt"],
                )
            except ServiceError as exc:
                _form_errors(form, exc)
            else:
                order.refresh_from_db()
                self.message_user(
                    request,
                    _(
                        "Order %(number)s: transfer of %(amount)s recorded; "
                        "received %(received)s of %(total)s."
                    )
                    % {
                        "number": order.number,
                        "amount": format_cny(data["amount"]),
                        "received": format_cny(amount_received(order)),
                        "total": format_cny(order.total),
                    },
                    messages.SUCCESS,
                )
                return self._back(order)
        return self._form_page(
            request,
            order,
            form,
            _("Record bank transfer"),
            _("Partial transfers add up. The receipt is optional (PDF, JPG or PNG, at most %(mb)d MB).")
            % {"mb": MAX_UPLOAD_BYTES // 1024 // 1024},
        )

    def confirm_view(self, request, pk):
        order = self._order(request, pk, "orders.confirm_payment")
        form = ConfirmForm(*_bound(request))
        payers = foreign_payers(order)
        intro = _("Confirming completes the order and delivers its MCUs at once.")
        if payers:
            intro += " " + _(
                "Attention: the payer %(payers)s is not %(legal)s — an override needs a reason."
            ) % {"payers": "、".join(payers), "legal": order.organization.legal_name}
        if request.method == "POST" and form.is_valid():
            try:
                payment_confirm(
                    order=order,
                    actor=request.user,
                    payer_override_reason=form.cleaned_data["payer_override_reason"],
                )
            except ServiceError as exc:
                _form_errors(form, exc)
            else:
                self.message_user(
                    request,
                    _("Order %(number)s: payment confirmed; delivery queued.") % {"number": order.number},
                    messages.SUCCESS,
                )
                return self._back(order)
        return self._form_page(request, order, form, _("Confirm payment"), intro)

    def receipt_view(self, request, pk, transfer_pk):
        if not request.user.has_perm("orders.view_banktransfer"):
            raise PermissionDenied
        transfer = get_object_or_404(BankTransfer, pk=transfer_pk, order_id=pk)
        if not transfer.receipt:
            raise Http404
        return FileResponse(transfer.receipt.open("rb"), filename=transfer.receipt.name.rsplit("/", 1)[-1])

    def extend_hold_view(self, request, pk):
        order = self._order(request, pk, "orders.change_order")
        form = ExtendHoldForm(*_bound(request))
        if request.method == "POST" and form.is_valid():
            try:
                order = _extend(order, form.cleaned_data["days"], request.user)
            except ServiceError as exc:
                _form_errors(form, exc)
            else:
                self.message_user(
                    request,
                    _("Order %(number)s: capacity held until %(until)s.")
                    % {
                        "number": order.number,
                        "until": order.hold_expires_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                    },
                    messages.SUCCESS,
                )
                return self._back(order)
        return self._form_page(request, order, form, _("Extend hold"))


def _extend(order, days, actor):
    with transaction.atomic():
        return services.order_extend_hold(order=order, days=days, actor=actor)


def _bound(request) -> tuple:
    """Form data for a POST (even an empty one), nothing for a GET."""
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _form_errors(form, exc: ServiceError) -> None:
    """Put a service's refusal on the form: on its fields when it names them, else on the form."""
    placed = False
    for field in exc.details or {}:
        if field in form.fields:
            form.add_error(field, exc.message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


@admin.register(BankTransfer)
class BankTransferAdmin(admin.ModelAdmin):
    list_display = ("bank_reference", "order", "amount", "payer_name", "received_on", "recorded_by")
    search_fields = ("bank_reference", "payer_name", "order__number")
    list_select_related = ("order", "recorded_by")
    date_hierarchy = "received_on"

    def has_add_permission(self, request):
        return False  # recorded from the order page (the service checks the order's state)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ResourcePool)
class ResourcePoolAdmin(admin.ModelAdmin):
    list_display = ("organization", "region", "domain_kind", "sales_form", "quantity", "starts_on", "ends_on")
    list_filter = ("region", "sales_form", "domain_kind")
    list_select_related = ("organization", "region")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
