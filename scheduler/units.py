"""The unit conversion: how many MCUs one server offers (SPEC R-2.1). Pure, no Django.

An MCU guarantees ≥ 125 TFLOPS BF16, ≥ 21 GB GPU memory, ≥ 48 GB host RAM, ≥ 360 GB local NVMe and
≥ 8 vCPU. A node offers the smallest of five ratios. The two GPU ratios are taken per GPU and then
multiplied by the GPU count, because an MCU's tensor throughput and memory must sit on one GPU
(an MCU never straddles two cards); the host ratios are taken over the whole node.
"""

from decimal import Decimal
from typing import Protocol

MCU_TFLOPS_BF16 = Decimal(125)
MCU_GPU_MEMORY_GB = 21
MCU_HOST_RAM_GB = 48
MCU_NVME_GB = 360
MCU_VCPUS = 8

# The customer-facing spec table; figures only, never hardware.
MCU_SPEC = (
    ("compute", "≥ 125 TFLOPS FP16/BF16"),
    ("gpu_memory", "≥ 21 GB"),
    ("ram", "≥ 48 GB DDR5"),
    ("nvme", "≥ 360 GB"),
    ("vcpu", "≥ 8 vCPU"),
)


class ProfileLike(Protocol):
    gpu_tflops_bf16: Decimal
    gpu_memory_gb: int
    gpus_per_node: int
    host_ram_gb: int
    nvme_gb: int
    vcpus: int


def mcu_ratios(profile: ProfileLike) -> dict[str, int]:
    """Each resource's whole-MCU count, so staff can see which one limits a profile."""
    gpus = int(profile.gpus_per_node)
    return {
        "compute": int(Decimal(profile.gpu_tflops_bf16) // MCU_TFLOPS_BF16) * gpus,
        "gpu_memory": (int(profile.gpu_memory_gb) // MCU_GPU_MEMORY_GB) * gpus,
        "ram": int(profile.host_ram_gb) // MCU_HOST_RAM_GB,
        "nvme": int(profile.nvme_gb) // MCU_NVME_GB,
        "vcpu": int(profile.vcpus) // MCU_VCPUS,
    }


def mcus_per_node(profile: ProfileLike) -> int:
    """MCU slots a node of `profile` offers: the smallest ratio of R-2.1 (0 = below spec, not sellable)."""
    return min(mcu_ratios(profile).values())


def limiting_resource(profile: ProfileLike) -> str:
    ratios = mcu_ratios(profile)
    return min(ratios, key=ratios.get)
