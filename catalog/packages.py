"""Scenario packages (SPEC R-2.4): presets of quantity and scheduling domain."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from catalog.choices import CLUSTER_MIN_MCUS, DomainKind


@dataclass(frozen=True)
class ScenarioPackage:
    code: str
    name: Promise
    quantity: int
    domain_kind: str
    for_what: Promise
    spans_domains: bool = False


PACKAGES = [
    ScenarioPackage(
        "inference",
        _("Inference / development"),
        4,
        DomainKind.NORMAL,
        _("Online inference, model debugging, light jobs"),
    ),
    ScenarioPackage(
        "finetune",
        _("Fine-tuning"),
        8,
        DomainKind.TIGHTLY_COUPLED,
        _("LoRA/SFT fine-tuning, mid-size inference clusters"),
    ),
    ScenarioPackage(
        "training",
        _("Training"),
        32,
        DomainKind.TIGHTLY_COUPLED,
        _("Distributed training in one single tightly-coupled domain"),
    ),
    ScenarioPackage(
        "cluster",
        _("Cluster"),
        CLUSTER_MIN_MCUS,
        DomainKind.TIGHTLY_COUPLED,
        _("Large-scale training or an inference platform; 64 MCU and up, across several domains"),
        spans_domains=True,
    ),
]
PACKAGES_BY_CODE = {p.code: p for p in PACKAGES}


def package_for(quantity: int, domain_kind: str) -> ScenarioPackage | None:
    """The smallest package of this kind covering `quantity` (the cluster package has no upper bound)."""
    candidates = [p for p in PACKAGES if p.domain_kind == domain_kind]
    for package in candidates:
        if quantity <= package.quantity or package.spans_domains:
            return package
    return None
