"""SPEC R-2.1: MCUs per node = the smallest of the compute, GPU memory, RAM, NVMe and vCPU ratios."""

from decimal import Decimal
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from scheduler.units import limiting_resource, mcu_ratios, mcus_per_node


def profile(tflops, mem, gpus, ram, nvme, vcpu):
    return SimpleNamespace(
        gpu_tflops_bf16=Decimal(tflops),
        gpu_memory_gb=mem,
        gpus_per_node=gpus,
        host_ram_gb=ram,
        nvme_gb=nvme,
        vcpus=vcpu,
    )


def test_h100_server_is_limited_by_gpu_memory():
    # 989.4 // 125 = 7 per GPU → 56; 80 // 21 = 3 per GPU → 24;
    # 2048 // 48 = 42; 30720 // 360 = 85; 224 // 8 = 28
    p = profile("989.4", 80, 8, 2048, 30720, 224)
    assert mcu_ratios(p) == {"compute": 56, "gpu_memory": 24, "ram": 42, "nvme": 85, "vcpu": 28}
    assert mcus_per_node(p) == 24
    assert limiting_resource(p) == "gpu_memory"


def test_a800_server_is_limited_by_compute_and_vcpu():
    # 312 // 125 = 2 per GPU → 16; 80 // 21 = 3 → 24; 2048 // 48 = 42; 15360 // 360 = 42; 128 // 8 = 16
    assert mcus_per_node(profile("312", 80, 8, 2048, 15360, 128)) == 16


def test_h20_server_is_limited_by_compute():
    # 148 // 125 = 1 per GPU → 8, although its 96 GB would hold 4 MCUs of memory per GPU
    p = profile("148", 96, 8, 1536, 15360, 192)
    assert mcus_per_node(p) == 8
    assert limiting_resource(p) == "compute"


def test_host_limits_count_too():
    # a strong GPU box with too little RAM: 4 × (7 per GPU) = 28 compute, but 512 // 48 = 10
    assert mcus_per_node(profile("989.4", 80, 4, 512, 30720, 224)) == 10
    # and too few vCPU: 40 // 8 = 5
    assert mcus_per_node(profile("989.4", 80, 8, 2048, 30720, 40)) == 5


def test_gpu_below_spec_gives_no_mcu():
    # a 65-TFLOPS card cannot host even one MCU: an MCU never straddles two GPUs
    assert mcus_per_node(profile("65", 16, 8, 1024, 7680, 128)) == 0


def test_exact_thresholds_count():
    assert mcus_per_node(profile("125", 21, 1, 48, 360, 8)) == 1
    assert mcus_per_node(profile("124.9", 21, 1, 48, 360, 8)) == 0
    assert mcus_per_node(profile("125", 20, 1, 48, 360, 8)) == 0


@given(
    tflops=st.integers(0, 3000),
    mem=st.integers(0, 200),
    gpus=st.integers(1, 16),
    ram=st.integers(0, 8192),
    nvme=st.integers(0, 100_000),
    vcpu=st.integers(0, 512),
)
def test_every_mcu_gets_its_full_guarantee(tflops, mem, gpus, ram, nvme, vcpu):
    """Property: the node can give each of its n MCUs the whole R-2.1 spec, and not n + 1."""
    p = profile(tflops, mem, gpus, ram, nvme, vcpu)
    n = mcus_per_node(p)
    per_gpu = min(tflops // 125, mem // 21)
    assert n <= per_gpu * gpus
    assert n * 48 <= ram and n * 360 <= nvme and n * 8 <= vcpu
    assert n + 1 > per_gpu * gpus or (n + 1) * 48 > ram or (n + 1) * 360 > nvme or (n + 1) * 8 > vcpu
