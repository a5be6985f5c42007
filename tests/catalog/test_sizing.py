"""Sizing assistant (SPEC R-3.2, §6 step 1): hand-computed cases and monotonicity."""

from hypothesis import given
from hypothesis import strategies as st

from catalog.sizing import FINETUNE_LORA, SERVE, TRAIN, size_workload


def test_lora_7b():
    # Memory 7e9 × 2 B × 1.2 = 16.8 GB → 1 MCU. Compute 6 × 7e9 × 1e9 = 4.2e19 FLOPs; one MCU in 3 days:
    # 125e12 × 0.4 × 259,200 s = 1.296e19 → ceil(3.24) = 4 MCU. Recommended 4, tightly-coupled,
    # fine-tuning package.
    s = size_workload(task=FINETUNE_LORA, params_billion=7, tokens_billion=1, days=3)
    assert (s.mcus_for_memory, s.mcus_for_compute, s.recommended) == (1, 4, 4)
    assert s.domain_kind == "tightly_coupled" and s.package.code == "finetune"
    assert len(s.steps) == 3 and "16.8 GB" in s.steps[0] and "4.200e+19" in s.steps[1]


def test_pretraining_70b():
    # Memory 70e9 × 16 × 1.2 = 1,344 GB → 64 MCU. Compute 6 × 70e9 × 300e9 = 1.26e23; per MCU in 30 days:
    # 5e13 × 2,592,000 = 1.296e20 → ceil(972.2) = 973 → rounded to 976. Cluster package.
    s = size_workload(task=TRAIN, params_billion=70, tokens_billion=300, days=30)
    assert (s.mcus_for_memory, s.mcus_for_compute, s.mcus_needed, s.recommended) == (64, 973, 973, 976)
    assert s.package.code == "cluster"


def test_serving_small_model_is_normal_domain():
    # 7e9 × 1 B (INT8) × 1.2 = 8.4 GB → 1 MCU; 2 × 7e9 × 2,000 tok/s = 2.8e13 FLOP/s;
    # 125e12 × 0.3 = 3.75e13 → 1.
    s = size_workload(task=SERVE, params_billion=7, precision="int8", tokens_per_second=2000)
    assert (s.mcus_for_memory, s.mcus_for_compute, s.recommended) == (1, 1, 4)
    assert s.domain_kind == "normal" and s.package.code == "inference"


def test_serving_a_sharded_model_needs_tightly_coupled():
    s = size_workload(task=SERVE, params_billion=70, precision="bf16", tokens_per_second=100)
    assert s.mcus_for_memory == 8  # 70e9 × 2 × 1.2 = 168 GB / 21 = 8
    assert s.domain_kind == "tightly_coupled"


@given(
    small=st.floats(0.1, 500),
    extra=st.floats(0, 500),
    tokens=st.floats(0.1, 1000),
    days=st.floats(0.5, 60),
)
def test_a_bigger_model_never_needs_fewer_mcus(small, extra, tokens, days):
    a = size_workload(task=TRAIN, params_billion=small, tokens_billion=tokens, days=days)
    b = size_workload(task=TRAIN, params_billion=small + extra, tokens_billion=tokens, days=days)
    assert b.recommended >= a.recommended
    assert a.recommended % 4 == 0 and a.recommended >= a.mcus_needed
