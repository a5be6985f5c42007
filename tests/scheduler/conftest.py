"""A small, hand-sized pool for exact placement arithmetic.

Region `cn-test`; every node has 8 MCU slots (profile `T8`, limited evenly by every resource).
Tightly-coupled domains: tc-a 2 nodes (16), tc-b 4 nodes (32), tc-c 6 nodes (48); normal: 3 nodes (24).
"""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from catalog.choices import DomainKind
from catalog.models import Region
from scheduler.models import ComputeDomain, HardwareProfile, Node


@dataclass
class Pool:
    region: Region
    domains: dict
    nodes: dict


def build_pool(code="cn-test", sizes=(("tc-a", 2), ("tc-b", 4), ("tc-c", 6)), normal=3, slots=8) -> Pool:
    region, _ = Region.objects.get_or_create(code=code, defaults={"name": "测试区", "name_en": "Test"})
    profile, _ = HardwareProfile.objects.get_or_create(
        name=f"T{slots}",
        defaults=dict(
            gpu_model="TestGPU",
            gpu_tflops_bf16=Decimal(250),
            gpu_memory_gb=48,
            gpus_per_node=slots // 2,
            host_ram_gb=48 * slots,
            nvme_gb=360 * slots,
            vcpus=8 * slots,
        ),
    )
    domains, nodes = {}, {}
    spec = [(name, DomainKind.TIGHTLY_COUPLED, n) for name, n in sizes] + [
        ("normal", DomainKind.NORMAL, normal)
    ]
    for name, kind, count in spec:
        domain = ComputeDomain.objects.create(region=region, kind=kind, code=f"{code}-{name}")
        domains[name] = domain
        nodes[name] = [
            Node.objects.create(
                domain=domain, profile=profile, name=f"{code}-{name}-n{i}", mcu_capacity=slots
            )
            for i in range(count)
        ]
    return Pool(region=region, domains=domains, nodes=nodes)


@pytest.fixture
def pool(db):
    return build_pool()
