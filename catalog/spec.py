"""The MCU as customers see it (SPEC R-2.1): capability figures only, never hardware (R-2.2)."""

from django.utils.translation import gettext_lazy as _

MCU_TFLOPS = 125  # ≥ 125 TFLOPS FP16/BF16 tensor per MCU
MCU_GPU_MEMORY_GB = 21  # ≥ 21 GB GPU memory per MCU

# (capability, guaranteed figure) — the MCU spec page and the API show exactly this table.
MCU_SPEC = [
    (_("Tensor compute (FP16/BF16)"), _("≥ 125 TFLOPS")),
    (_("GPU memory"), _("≥ 21 GB")),
    (_("System memory (DDR5)"), _("≥ 48 GB")),
    (_("Local NVMe storage"), _("≥ 360 GB")),
    (_("vCPU"), _("≥ 8")),
    (_("Interconnect"), _("High-speed, low-latency between MCUs of one tightly-coupled domain")),
]


def promised_tflops(mcus: int) -> int:
    """Total compute promised for N MCUs (contract: "N × 125 TFLOPS")."""
    return mcus * MCU_TFLOPS
