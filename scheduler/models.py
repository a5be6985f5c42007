"""The simulated GPU node pool (DESIGN §2, §4). Hardware is staff-only (SPEC R-2.2).

Capacity is counted in MCU slots: a node of a hardware profile offers `mcu_capacity` slots
(`scheduler.units.mcus_per_node`). An `Mcu` is one allocated unit: it occupies one slot of one
node, and the partial unique constraint `mcu_slot_taken_once` guarantees no slot is given twice.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from catalog.choices import DomainKind
from catalog.models import Region
from scheduler.choices import (
    ACTIVE_MCU_STATUSES,
    AlertSeverity,
    McuStatus,
    NodeStatus,
    WorkloadKind,
    WorkloadStatus,
)


class HardwareProfile(models.Model):
    """A server model (staff-only). mcus_per_node() turns it into MCU slots (SPEC R-2.1)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    gpu_model = models.CharField(_("GPU model"), max_length=60)
    gpu_tflops_bf16 = models.DecimalField(_("BF16 TFLOPS per GPU"), max_digits=8, decimal_places=1)
    gpu_memory_gb = models.PositiveIntegerField(_("GPU memory per GPU (GB)"))
    gpus_per_node = models.PositiveSmallIntegerField(_("GPUs per node"))
    host_ram_gb = models.PositiveIntegerField(_("host RAM (GB)"))
    nvme_gb = models.PositiveIntegerField(_("local NVMe (GB)"))
    vcpus = models.PositiveSmallIntegerField(_("vCPUs"))

    class Meta:
        verbose_name = _("hardware profile")
        verbose_name_plural = _("hardware profiles")

    def __str__(self):
        return self.name


class ComputeDomain(models.Model):
    """A scheduling domain in a region: the normal pool, or one tightly-coupled interconnect island."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="domains", verbose_name=_("region")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DomainKind.choices)
    code = models.CharField(_("code"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("compute domain")
        verbose_name_plural = _("compute domains")
        ordering = ["region", "kind", "code"]

    def __str__(self):
        return self.code


class Node(models.Model):
    domain = models.ForeignKey(
        ComputeDomain, on_delete=models.PROTECT, related_name="nodes", verbose_name=_("compute domain")
    )
    profile = models.ForeignKey(
        HardwareProfile, on_delete=models.PROTECT, related_name="nodes", verbose_name=_("hardware profile")
    )
    name = models.CharField(_("name"), max_length=60, unique=True)
    mcu_capacity = models.PositiveSmallIntegerField(_("MCU slots"))
    status = models.CharField(
        _("status"), max_length=12, choices=NodeStatus.choices, default=NodeStatus.HEALTHY
    )
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    status_since = models.DateTimeField(_("since"), default=timezone.now)
    last_heartbeat = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    temperature_c = models.DecimalField(
        _("GPU temperature (°C)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    ecc_errors = models.PositiveIntegerField(_("ECC/Xid errors"), default=0)
    perf_tflops_per_mcu = models.DecimalField(
        _("measured TFLOPS per MCU"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    repair_due = models.DateTimeField(_("repair due"), null=True, blank=True)
    # The simulation's hidden truth (staff-only): a node can be degrading or already dead while its
    # status still says healthy — the platform only learns it from metrics and missed heartbeats.
    sim_state = models.CharField(_("simulated condition"), max_length=10, default="ok", editable=False)
    sim_fail_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("node")
        verbose_name_plural = _("nodes")
        ordering = ["domain", "name"]
        indexes = [models.Index(fields=["domain", "status"], name="node_domain_status")]

    def __str__(self):
        return self.name


class Allocation(models.Model):
    """MCUs given together (one order line, one pay-as-you-go workload): they move as one (R-2.5)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="allocations")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    domain_kind = models.CharField(_("domain kind"), max_length=20, choices=DomainKind.choices)
    quantity = models.PositiveIntegerField(_("MCUs"))
    reference = models.CharField(
        _("reference"), max_length=60, unique=True, help_text=_("e.g. order-line:42")
    )
    created_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")

    def __str__(self):
        return self.reference


def _public_id() -> str:
    return "mcu-" + uuid.uuid4().hex[:12]


class Mcu(models.Model):
    """One allocated MCU. `public_id` is what customers see; node and slot are staff-only."""

    public_id = models.CharField(_("MCU id"), max_length=20, unique=True, default=_public_id)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="mcus")
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="mcus")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    domain_kind = models.CharField(_("domain kind"), max_length=20, choices=DomainKind.choices)
    domain = models.ForeignKey(
        ComputeDomain, on_delete=models.PROTECT, null=True, blank=True, related_name="mcus"
    )
    node = models.ForeignKey(Node, on_delete=models.PROTECT, null=True, blank=True, related_name="mcus")
    slot = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=McuStatus.choices, default=McuStatus.PROVISIONING
    )
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    status_since = models.DateTimeField(_("since"), default=timezone.now)
    ready_at = models.DateTimeField(
        null=True, blank=True, help_text=_("when provisioning or migration completes")
    )
    created_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("MCU")
        verbose_name_plural = _("MCUs")
        ordering = ["region", "public_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["node", "slot"],
                condition=Q(status__in=ACTIVE_MCU_STATUSES) & Q(node__isnull=False),
                name="mcu_slot_taken_once",
                violation_error_message="An MCU slot cannot be given twice.",
            ),
            models.CheckConstraint(
                condition=Q(status=McuStatus.RELEASED)
                | Q(status=McuStatus.MIGRATING)
                | Q(node__isnull=False),
                name="mcu_active_has_node",
                violation_error_message="An active MCU that is not migrating must sit on a node.",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="mcu_org_status"),
            models.Index(fields=["node", "status"], name="mcu_node_status"),
            models.Index(fields=["domain", "status"], name="mcu_domain_status"),
            models.Index(fields=["region", "status"], name="mcu_region_status"),
        ]

    def __str__(self):
        return self.public_id


class Hold(models.Model):
    """Capacity pinned for an order not yet delivered (R-3.3). A tightly-coupled hold sits in one domain;
    a cluster line (≥ 64) has several holds with the same reference, one per domain."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="holds")
    domain = models.ForeignKey(ComputeDomain, on_delete=models.PROTECT, related_name="holds")
    quantity = models.PositiveIntegerField(_("MCUs"))
    reference = models.CharField(_("reference"), max_length=60, db_index=True)
    expires_at = models.DateTimeField(_("expires"))
    created_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    converted_at = models.DateTimeField(_("converted to MCUs"), null=True, blank=True)

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="hold_quantity_positive")]
        indexes = [models.Index(fields=["domain", "released_at", "converted_at"], name="hold_domain_open")]

    def __str__(self):
        return f"{self.reference} {self.quantity}@{self.domain}"


class Workload(models.Model):
    """A customer task, gang-placed on the organization's own free MCUs (all or nothing, R-2.5)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="workloads")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=WorkloadKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    mcu_count = models.PositiveIntegerField(_("MCUs"))
    tightly_coupled = models.BooleanField(_("needs tightly-coupled"), default=False)
    payg = models.BooleanField(_("pay-as-you-go"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=WorkloadStatus.choices, default=WorkloadStatus.QUEUED
    )
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    mcus = models.ManyToManyField(Mcu, blank=True, related_name="workloads")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    duration_hours = models.PositiveIntegerField(_("planned hours"), null=True, blank=True)

    class Meta:
        verbose_name = _("workload")
        verbose_name_plural = _("workloads")
        ordering = ["-submitted_at"]
        constraints = [models.CheckConstraint(condition=Q(mcu_count__gt=0), name="workload_mcus_positive")]
        indexes = [models.Index(fields=["organization", "status"], name="workload_org_status")]

    def __str__(self):
        return self.name


class UsageHour(models.Model):
    """Metering (R-5.1, R-5.2): one row per MCU, hour and workload kind (blank kind = idle allocated time)."""

    hour = models.DateTimeField(_("hour (UTC)"))
    mcu = models.ForeignKey(Mcu, on_delete=models.PROTECT, related_name="usage")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="usage_hours")
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="usage")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    workload = models.ForeignKey(
        Workload, on_delete=models.SET_NULL, null=True, blank=True, related_name="usage"
    )
    workload_kind = models.CharField(
        _("workload kind"), max_length=20, choices=WorkloadKind.choices, blank=True
    )
    allocated_seconds = models.PositiveIntegerField(default=0)
    busy_seconds = models.PositiveIntegerField(default=0)
    weighted_mcu_hours = models.DecimalField(max_digits=12, decimal_places=4, default=0)

    class Meta:
        verbose_name = _("usage hour")
        verbose_name_plural = _("usage hours")
        constraints = [
            models.UniqueConstraint(
                fields=["mcu", "hour", "workload_kind"], name="usage_one_row_per_mcu_hour_kind"
            ),
            models.CheckConstraint(condition=Q(allocated_seconds__lte=3600), name="usage_at_most_an_hour"),
            models.CheckConstraint(condition=Q(busy_seconds__lte=3600), name="usage_busy_at_most_an_hour"),
        ]
        indexes = [models.Index(fields=["organization", "hour"], name="usage_org_hour")]

    def __str__(self):
        return f"{self.mcu_id} {self.hour:%Y-%m-%d %H}h {self.workload_kind or 'idle'}"


class Transition(models.Model):
    """Every state change of a node or MCU (DESIGN I-5)."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    node = models.ForeignKey(
        Node,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="transitions",
        verbose_name=_("node"),
    )
    mcu = models.ForeignKey(
        Mcu,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="transitions",
        verbose_name=_("MCU"),
    )
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(node__isnull=False) | Q(mcu__isnull=False), name="transition_has_subject"
            )
        ]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class Alert(models.Model):
    """Something ops must look at (e.g. MCUs that cannot be re-placed anywhere)."""

    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    severity = models.CharField(
        _("severity"), max_length=10, choices=AlertSeverity.choices, default=AlertSeverity.WARNING
    )
    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(max_length=80, blank=True, db_index=True, help_text="one open alert per key")
    message = models.CharField(_("message"), max_length=300)
    region = models.ForeignKey(
        Region, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    node = models.ForeignKey(
        Node, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts", verbose_name=_("node")
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at"]

    def __str__(self):
        return self.message


class SimulationClock(models.Model):
    """Simulation position: ticks are claimed by number; a tick applied twice changes nothing (I-7)."""

    key = models.CharField(max_length=20, unique=True, default="default")
    tick = models.PositiveBigIntegerField(default=0)
    sim_time = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"tick {self.tick}"
