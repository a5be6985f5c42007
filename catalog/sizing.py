"""Sizing assistant (SPEC R-3.2, §6 step 1): a workload description → MCU count, domain and package.

Pure arithmetic, every step kept so the page can show its working:
- memory: bytes per parameter × parameters, plus 20 % for activations / KV cache, over 21 GB per MCU;
- compute: training FLOPs ≈ 6 × parameters × tokens; serving ≈ 2 × parameters per generated token;
  one MCU gives 125 TFLOPS at an assumed efficiency (40 % training, 30 % serving);
- the count is the larger of the two, rounded up to a multiple of 4 (recommended by R-2.3).
"""

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from catalog.choices import DomainKind
from catalog.packages import ScenarioPackage, package_for
from catalog.spec import MCU_GPU_MEMORY_GB, MCU_TFLOPS

TRAIN = "train"
FINETUNE_FULL = "finetune_full"
FINETUNE_LORA = "finetune_lora"
SERVE = "serve"
TASKS = [
    (TRAIN, _("Pre-training or continued pre-training")),
    (FINETUNE_FULL, _("Full fine-tuning (SFT)")),
    (FINETUNE_LORA, _("LoRA fine-tuning")),
    (SERVE, _("Inference serving")),
]
PRECISIONS = [("bf16", "BF16 / FP16"), ("int8", "INT8"), ("int4", "INT4")]
SERVE_BYTES_PER_PARAM = {"bf16": 2.0, "int8": 1.0, "int4": 0.5}
# Mixed-precision Adam: bf16 weights (2) + bf16 grads (2) + fp32 master, m, v (12) = 16 bytes/parameter.
TRAIN_BYTES_PER_PARAM = 16.0
LORA_BYTES_PER_PARAM = 2.0  # frozen bf16 weights; the adapters are small
OVERHEAD = 1.2  # activations, KV cache, buffers
EFFICIENCY = {TRAIN: 0.40, FINETUNE_FULL: 0.40, FINETUNE_LORA: 0.40, SERVE: 0.30}
GB = 1e9


@dataclass
class Sizing:
    mcus_for_memory: int
    mcus_for_compute: int
    mcus_needed: int
    recommended: int
    domain_kind: str
    package: ScenarioPackage | None
    steps: list[str] = field(default_factory=list)


def _round_up_to_4(n: int) -> int:
    return max(4, math.ceil(n / 4) * 4)


def size_workload(
    *,
    task: str,
    params_billion: float,
    precision: str = "bf16",
    tokens_billion: float = 0.0,
    days: float = 0.0,
    tokens_per_second: float = 0.0,
) -> Sizing:
    """MCUs for a workload. Training needs tokens and days; serving needs output tokens per second."""
    params = params_billion * 1e9
    steps: list[str] = []
    if task == SERVE:
        bytes_per_param = SERVE_BYTES_PER_PARAM[precision]
    elif task == FINETUNE_LORA:
        bytes_per_param = LORA_BYTES_PER_PARAM
    else:
        bytes_per_param = TRAIN_BYTES_PER_PARAM
    memory_gb = params * bytes_per_param * OVERHEAD / GB
    mcus_memory = max(1, math.ceil(memory_gb / MCU_GPU_MEMORY_GB))
    steps.append(
        _(
            "Memory: %(p)s B parameters × %(b)s bytes × %(o)s overhead = %(gb)s GB; "
            "÷ 21 GB per MCU → %(n)d MCU"
        )
        % {
            "p": f"{params_billion:g}",
            "b": f"{bytes_per_param:g}",
            "o": f"{OVERHEAD:g}",
            "gb": f"{memory_gb:,.1f}",
            "n": mcus_memory,
        }
    )
    efficiency = EFFICIENCY[task]
    per_mcu = MCU_TFLOPS * 1e12 * efficiency
    if task == SERVE:
        flops_per_second = 2 * params * tokens_per_second
        mcus_compute = max(1, math.ceil(flops_per_second / per_mcu))
        steps.append(
            _(
                "Compute: 2 × %(p)s B parameters × %(t)s tokens/s = %(f)s TFLOPS needed; one MCU gives "
                "125 TFLOPS × %(e)s%% assumed efficiency = %(m)s TFLOPS → %(n)d MCU"
            )
            % {
                "p": f"{params_billion:g}",
                "t": f"{tokens_per_second:,.0f}",
                "f": f"{flops_per_second / 1e12:,.1f}",
                "e": f"{efficiency * 100:g}",
                "m": f"{per_mcu / 1e12:g}",
                "n": mcus_compute,
            }
        )
        # Replicas of a model that fits one MCU need no interconnect; a model sharded over MCUs does.
        domain_kind = DomainKind.TIGHTLY_COUPLED if mcus_memory > 1 else DomainKind.NORMAL
    else:
        flops = 6 * params * tokens_billion * 1e9
        seconds = days * 86400
        mcus_compute = max(1, math.ceil(flops / (per_mcu * seconds))) if seconds > 0 else 1
        steps.append(
            _(
                "Compute: 6 × %(p)s B parameters × %(t)s B tokens = %(f)s FLOPs; in %(d)s days one MCU does "
                "125 TFLOPS × %(e)s%% assumed efficiency × %(s)s s = %(pm)s FLOPs → %(n)d MCU"
            )
            % {
                "p": f"{params_billion:g}",
                "t": f"{tokens_billion:g}",
                "f": f"{flops:.3e}",
                "d": f"{days:g}",
                "e": f"{efficiency * 100:g}",
                "s": f"{seconds:,.0f}",
                "pm": f"{per_mcu * seconds:.3e}",
                "n": mcus_compute,
            }
        )
        domain_kind = DomainKind.TIGHTLY_COUPLED
    needed = max(mcus_memory, mcus_compute)
    recommended = _round_up_to_4(needed)
    steps.append(
        _("Needed: the larger of %(m)d and %(c)d = %(n)d MCU; rounded up to a multiple of 4 → %(r)d MCU")
        % {"m": mcus_memory, "c": mcus_compute, "n": needed, "r": recommended}
    )
    return Sizing(
        mcus_for_memory=mcus_memory,
        mcus_for_compute=mcus_compute,
        mcus_needed=needed,
        recommended=recommended,
        domain_kind=domain_kind,
        package=package_for(recommended, domain_kind),
        steps=steps,
    )
