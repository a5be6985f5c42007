"""Building the fleet (staff-only): hardware profiles, regions, domains and nodes.

`pool_seed(nodes=N)` lays out a realistic pool over three regions: in each, several tightly-coupled
domains (interconnect islands of 8–32 identical 8-GPU servers) and one normal pool of mixed, smaller
servers. Names are deterministic, so seeding twice with the same size changes nothing and a larger
size adds nodes.
"""

import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from catalog.choices import DomainKind
from catalog.models import Region
from catalog.services import price_book_ensure_defaults
from scheduler.models import ComputeDomain, HardwareProfile, Node
from scheduler.units import mcus_per_node

REGIONS = [
    # code, name, English name, sort order
    ("cn-east-hz", "华东-杭州", "East China (Hangzhou)", 10),
    ("cn-north-bj", "华北-北京", "North China (Beijing)", 20),
    ("cn-south-sz", "华南-深圳", "South China (Shenzhen)", 30),
]

# Public data-sheet figures (dense BF16 TFLOPS per GPU, GB per GPU), typical 8-GPU server builds.
PROFILES = [
    # name, GPU, TFLOPS, GPU GB, GPUs, RAM GB, NVMe GB, vCPU
    ("HGX-H800-8", "NVIDIA H800 SXM5", "989.4", 80, 8, 2048, 30720, 224),
    ("HGX-H100-8", "NVIDIA H100 SXM5", "989.4", 80, 8, 2048, 30720, 224),
    ("HGX-A800-8", "NVIDIA A800 SXM4 80GB", "312.0", 80, 8, 2048, 15360, 128),
    ("H20-8", "NVIDIA H20", "148.0", 96, 8, 1536, 15360, 192),
    ("L40S-8", "NVIDIA L40S", "362.0", 48, 8, 1024, 7680, 128),
]
TC_PROFILES = ["HGX-H800-8", "HGX-H100-8", "HGX-A800-8"]
NORMAL_PROFILES = ["L40S-8", "H20-8", "HGX-A800-8"]
TC_SHARE = 0.6  # share of a region's nodes in tightly-coupled islands
DOMAIN_SIZES = (8, 16, 32)  # nodes per interconnect island


@dataclass
class SeedResult:
    regions: int
    domains: int
    nodes_created: int
    nodes_total: int


def profiles_ensure() -> dict[str, HardwareProfile]:
    out = {}
    for name, gpu, tflops, mem, gpus, ram, nvme, vcpu in PROFILES:
        out[name], _ = HardwareProfile.objects.get_or_create(
            name=name,
            defaults=dict(
                gpu_model=gpu,
                gpu_tflops_bf16=Decimal(tflops),
                gpu_memory_gb=mem,
                gpus_per_node=gpus,
                host_ram_gb=ram,
                nvme_gb=nvme,
                vcpus=vcpu,
            ),
        )
    return out


def regions_ensure() -> list[Region]:
    out = []
    for code, name, name_en, order in REGIONS:
        region, created = Region.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )
        if not created and not region.name_en:
            region.name_en = name_en
            region.save(update_fields=["name_en"])
        out.append(region)
    price_book_ensure_defaults(regions=out)  # a region on sale needs prices (R-5.4 defaults)
    return out


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def layout(nodes: int, seed: int = 7) -> dict[str, list[tuple[str, str, str, int]]]:
    """The plan, pure: per region code, a list of (domain suffix, kind, profile name, node count)."""
    rng = random.Random(seed)
    plan = {}
    for (code, *_), n in zip(REGIONS, _split(max(nodes, len(REGIONS) * 2), len(REGIONS)), strict=True):
        tc = max(1, round(n * TC_SHARE))
        normal = max(1, n - tc)
        domains = []
        i = 0
        while tc > 0:
            size = min(tc, rng.choice(DOMAIN_SIZES))
            i += 1
            domains.append(
                (f"tc{i:02d}", DomainKind.TIGHTLY_COUPLED, TC_PROFILES[(i - 1) % len(TC_PROFILES)], size)
            )
            tc -= size
        mix = _split(normal, len(NORMAL_PROFILES))
        for profile, count in zip(NORMAL_PROFILES, mix, strict=True):
            if count:
                domains.append(("normal", DomainKind.NORMAL, profile, count))
        plan[code] = domains
    return plan


@transaction.atomic
def pool_seed(*, nodes: int = 300, seed: int = 7) -> SeedResult:
    """Create (or top up) the fleet to about `nodes` nodes. Idempotent for the same arguments."""
    profiles = profiles_ensure()
    regions = {r.code: r for r in regions_ensure()}
    existing = set(Node.objects.values_list("name", flat=True))
    created_nodes = []
    domains = 0
    for code, plan in layout(nodes, seed).items():
        region = regions[code]
        counters: dict[str, int] = {}
        for suffix, kind, profile_name, count in plan:
            domain, _ = ComputeDomain.objects.get_or_create(
                code=f"{code}-{suffix}", defaults={"region": region, "kind": kind}
            )
            domains += 1
            profile = profiles[profile_name]
            slots = mcus_per_node(profile)
            tag = profile_name.split("-")[-2].lower() if suffix == "normal" else ""
            for _ in range(count):
                key = f"{suffix}{tag}"
                counters[key] = counters.get(key, 0) + 1
                name = f"{code}-{suffix}-{tag + '-' if tag else ''}n{counters[key]:04d}"
                if name in existing:
                    continue
                created_nodes.append(Node(domain=domain, profile=profile, name=name, mcu_capacity=slots))
    Node.objects.bulk_create(created_nodes, batch_size=1000)
    return SeedResult(
        regions=len(regions),
        domains=domains,
        nodes_created=len(created_nodes),
        nodes_total=Node.objects.count(),
    )
