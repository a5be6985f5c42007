from django.db import models
from django.utils.translation import gettext_lazy as _


class NodeStatus(models.TextChoices):
    HEALTHY = "healthy", _("Healthy")
    WARNING = "warning", _("Warning")
    FAILED = "failed", _("Failed")
    DRAINING = "draining", _("Draining")
    MAINTENANCE = "maintenance", _("Maintenance")


# Nodes on which MCUs may be placed.
PLACEABLE_NODE_STATUSES = (NodeStatus.HEALTHY, NodeStatus.WARNING)


class McuStatus(models.TextChoices):
    PROVISIONING = "provisioning", _("Provisioning")
    NORMAL = "normal", _("Normal")
    WARNING = "warning", _("Warning")
    MIGRATING = "migrating", _("Migrating")
    RELEASED = "released", _("Released")


ACTIVE_MCU_STATUSES = (McuStatus.PROVISIONING, McuStatus.NORMAL, McuStatus.WARNING, McuStatus.MIGRATING)


class WorkloadKind(models.TextChoices):
    TRAINING = "training", _("Training")
    INFERENCE = "inference", _("Inference")
    DEVELOPMENT = "development", _("Development")
    DATA_PROCESSING = "data_processing", _("Data processing")


class WorkloadStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    RECOVERING = "recovering", _("Recovering")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")
    FAILED = "failed", _("Failed")


class AlertSeverity(models.TextChoices):
    INFO = "info", _("Info")
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")
