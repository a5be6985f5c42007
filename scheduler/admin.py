"""Ops admin (staff only): the node pool, its capacity, alerts and history (SPEC §7, R-2.2).

Statuses are never edited as fields: drain, return to service and fail now are actions that call the
health services, which record transitions and migrate MCUs. The 'ops' group may view and run them.
"""

from django.contrib import admin, messages
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mcu_console.exceptions import ServiceError
from scheduler import health
from scheduler.choices import ACTIVE_MCU_STATUSES, PLACEABLE_NODE_STATUSES
from scheduler.models import (
    Alert,
    Allocation,
    ComputeDomain,
    HardwareProfile,
    Hold,
    Mcu,
    Node,
    Transition,
    Workload,
)
from scheduler.selectors import capacity_overview
from scheduler.units import limiting_resource, mcus_per_node


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HardwareProfile)
class HardwareProfileAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "gpu_model",
        "gpus_per_node",
        "gpu_tflops_bf16",
        "gpu_memory_gb",
        "host_ram_gb",
        "nvme_gb",
        "vcpus",
        "mcu_slots",
        "limited_by",
    ]

    @admin.display(description=_("MCUs per node"))
    def mcu_slots(self, obj):
        return mcus_per_node(obj)

    @admin.display(description=_("limited by"))
    def limited_by(self, obj):
        return limiting_resource(obj)

    def get_readonly_fields(self, request, obj=None):
        # a profile in use is history: its nodes' slot counts were computed from it
        if obj is not None and obj.nodes.exists():
            return [f.name for f in obj._meta.fields]
        return []


def _sum_subquery(qs, field):
    return Coalesce(
        Subquery(qs.values("domain").annotate(s=Sum(field)).values("s")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


@admin.register(ComputeDomain)
class ComputeDomainAdmin(ReadOnlyAdmin):
    """The capacity overview: per domain, and per region and kind above the list."""

    list_display = ["code", "region", "kind", "node_count", "capacity", "allocated", "held", "free"]
    list_filter = ["region", "kind"]
    search_fields = ["code"]

    def get_queryset(self, request):
        now = timezone.now()
        nodes = Node.objects.filter(domain=OuterRef("pk"), status__in=PLACEABLE_NODE_STATUSES)
        mcus = Mcu.objects.filter(domain=OuterRef("pk"), status__in=ACTIVE_MCU_STATUSES, node__isnull=False)
        holds = Hold.objects.filter(
            domain=OuterRef("pk"), released_at__isnull=True, converted_at__isnull=True, expires_at__gt=now
        )
        return (
            super()
            .get_queryset(request)
            .select_related("region")
            .annotate(
                node_total=Count("nodes", distinct=True),
                cap=_sum_subquery(nodes, "mcu_capacity"),
                alloc=Coalesce(
                    Subquery(mcus.values("domain").annotate(c=Count("id")).values("c")[:1]), Value(0)
                ),
                held_n=_sum_subquery(holds, "quantity"),
            )
        )

    @admin.display(description=_("node count"), ordering="node_total")
    def node_count(self, obj):
        return obj.node_total

    @admin.display(description=_("capacity (MCU)"), ordering="cap")
    def capacity(self, obj):
        return obj.cap

    @admin.display(description=_("allocated"), ordering="alloc")
    def allocated(self, obj):
        return obj.alloc

    @admin.display(description=_("held"), ordering="held_n")
    def held(self, obj):
        return obj.held_n

    @admin.display(description=_("free"))
    def free(self, obj):
        return max(0, obj.cap - obj.alloc - obj.held_n)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "overview": capacity_overview()}
        return super().changelist_view(request, extra_context)


class NodeRegionFilter(admin.SimpleListFilter):
    title = _("region")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        from catalog.models import Region

        return [(r.pk, r.name) for r in Region.objects.filter(domains__isnull=False).distinct()]

    def queryset(self, request, queryset):
        return queryset.filter(domain__region_id=self.value()) if self.value() else queryset


@admin.register(Node)
class NodeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "domain",
        "profile",
        "status",
        "status_reason",
        "mcu_capacity",
        "used",
        "last_heartbeat",
        "temperature_c",
        "ecc_errors",
        "perf_tflops_per_mcu",
        "repair_due",
    ]
    list_filter = [NodeRegionFilter, "domain__kind", "status", "profile", "domain"]
    search_fields = ["name", "domain__code"]
    list_select_related = ["domain", "profile"]
    list_per_page = 100
    actions = ["drain", "return_to_service", "fail_now"]
    readonly_fields = [
        "domain",
        "profile",
        "name",
        "mcu_capacity",
        "status",
        "status_reason",
        "status_since",
        "last_heartbeat",
        "temperature_c",
        "ecc_errors",
        "perf_tflops_per_mcu",
        "repair_due",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(used_n=Count("mcus", filter=Q(mcus__status__in=ACTIVE_MCU_STATUSES)))
        )

    @admin.display(description=_("MCUs in use"), ordering="used_n")
    def used(self, obj):
        return obj.used_n

    def has_add_permission(self, request):
        return False  # nodes come from seed_pool / provisioning, not hand entry

    def has_delete_permission(self, request, obj=None):
        return False

    def _run(self, request, queryset, service, done_text):
        done = 0
        for node in queryset.select_related("domain"):
            try:
                service(node=node, actor=request.user)
                done += 1
            except ServiceError as exc:
                self.message_user(request, f"{node.name}: {exc.message}", messages.ERROR)
        if done:
            self.message_user(request, done_text(done), messages.SUCCESS)

    @admin.action(description=_("Drain for maintenance (migrate MCUs away)"), permissions=["change"])
    def drain(self, request, queryset):
        self._run(
            request,
            queryset,
            health.node_drain,
            lambda n: ngettext("%d node drained.", "%d nodes drained.", n) % n,
        )

    @admin.action(description=_("Return to service"), permissions=["change"])
    def return_to_service(self, request, queryset):
        self._run(
            request,
            queryset,
            health.node_return_to_service,
            lambda n: ngettext("%d node returned to service.", "%d nodes returned to service.", n) % n,
        )

    @admin.action(description=_("Fail now (fault injection)"), permissions=["change"])
    def fail_now(self, request, queryset):
        self._run(
            request,
            queryset,
            health.node_fail_now,
            lambda n: (
                ngettext("%d node failed; its MCUs migrate.", "%d nodes failed; their MCUs migrate.", n) % n
            ),
        )


@admin.register(Mcu)
class McuAdmin(ReadOnlyAdmin):
    list_display = [
        "public_id",
        "organization",
        "region",
        "domain_kind",
        "domain",
        "node",
        "slot",
        "status",
        "status_reason",
        "status_since",
    ]
    list_filter = ["region", "domain_kind", "status"]
    search_fields = ["public_id", "organization__legal_name", "node__name", "allocation__reference"]
    list_select_related = ["organization", "region", "domain", "node"]
    list_per_page = 100


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["created_at", "severity", "kind", "message", "region", "node", "resolved_at"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter), "severity", "kind", "region"]
    search_fields = ["message", "key"]
    readonly_fields = ["created_at", "severity", "kind", "key", "message", "region", "node", "resolved_at"]
    actions = ["resolve"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Mark resolved"), permissions=["change"])
    def resolve(self, request, queryset):
        n = queryset.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
        self.message_user(
            request, ngettext("%d alert resolved.", "%d alerts resolved.", n) % n, messages.SUCCESS
        )


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdmin):
    list_display = ["at", "node", "mcu", "from_status", "to_status", "reason", "actor"]
    list_filter = ["to_status", ("node", admin.EmptyFieldListFilter)]
    search_fields = ["node__name", "mcu__public_id", "reason"]
    list_select_related = ["node", "mcu", "actor"]
    date_hierarchy = "at"


@admin.register(Workload)
class WorkloadAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "organization",
        "kind",
        "region",
        "mcu_count",
        "status",
        "payg",
        "submitted_at",
        "started_at",
        "ended_at",
    ]
    list_filter = ["status", "kind", "region", "payg"]
    search_fields = ["name", "organization__legal_name"]


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "organization",
        "region",
        "domain_kind",
        "quantity",
        "created_at",
        "released_at",
    ]
    list_filter = ["region", "domain_kind"]
    search_fields = ["reference", "organization__legal_name"]


@admin.register(Hold)
class HoldAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "organization",
        "domain",
        "quantity",
        "expires_at",
        "released_at",
        "converted_at",
    ]
    list_filter = ["domain__region"]
    search_fields = ["reference"]
