"""Two hand-sized regions with capacity and the default price book, for ordering tests.

cn-east-hz (华东-杭州): tightly-coupled domains of 16 and 32 MCU slots, normal 24.
cn-north-bj (华北-北京): one tightly-coupled domain of 8, normal 8.
Every node has 8 MCU slots. Prices: the SPEC R-5.4 defaults (annual 1,080, monthly 1,280, payg 2.20).
"""

from dataclasses import dataclass
from decimal import Decimal

from catalog.choices import DomainKind
from catalog.models import Region
from catalog.services import price_book_ensure_defaults
from scheduler.models import ComputeDomain, HardwareProfile, Node

SLOTS = 8


@dataclass
class Regions:
    hz: Region
    bj: Region


def _profile() -> HardwareProfile:
    profile, _ = HardwareProfile.objects.get_or_create(
        name="ORD-T8",
        defaults=dict(
            gpu_model="SecretGPU-X",
            gpu_tflops_bf16=Decimal(250),
            gpu_memory_gb=48,
            gpus_per_node=4,
            host_ram_gb=48 * SLOTS,
            nvme_gb=360 * SLOTS,
            vcpus=8 * SLOTS,
        ),
    )
    return profile


def add_domain(region: Region, name: str, kind: str, mcus: int) -> ComputeDomain:
    domain = ComputeDomain.objects.create(region=region, kind=kind, code=f"{region.code}-{name}")
    for i in range(mcus // SLOTS):
        Node.objects.create(
            domain=domain, profile=_profile(), name=f"{domain.code}-node{i:03d}", mcu_capacity=SLOTS
        )
    return domain


def build_regions(*, hz_tc=(16, 32), hz_normal=24, bj_tc=(8,), bj_normal=8) -> Regions:
    hz = Region.objects.create(
        code="cn-east-hz", name="华东-杭州", name_en="East China (Hangzhou)", sort_order=1
    )
    bj = Region.objects.create(
        code="cn-north-bj", name="华北-北京", name_en="North China (Beijing)", sort_order=2
    )
    for region, tcs, normal in ((hz, hz_tc, hz_normal), (bj, bj_tc, bj_normal)):
        for i, size in enumerate(tcs):
            add_domain(region, f"tc{i}", DomainKind.TIGHTLY_COUPLED, size)
        if normal:
            add_domain(region, "normal", DomainKind.NORMAL, normal)
    price_book_ensure_defaults()
    return Regions(hz=hz, bj=bj)


def line(
    region="cn-east-hz", quantity=8, domain_kind="tightly_coupled", sales_form="annual", **extra
) -> dict:
    return {
        "region": region,
        "quantity": quantity,
        "domain_kind": domain_kind,
        "sales_form": sales_form,
        **extra,
    }


HARDWARE_WORDS = ("SecretGPU", "ORD-T8", "node0", "-tc0", "-tc1", "-normal", "GPU model")
