"""Utilisation profiles per workload kind — pure functions of (kind, hour, workload key).

They imitate what such jobs look like on real fleets: training is steady and high with a short dip
for each checkpoint; inference follows the day of its (Asia/Shanghai) users; development is bursty
and mostly idle; data processing runs high in batches, heavier at night.
"""

import datetime as dt
import math
import random

CST = dt.timezone(dt.timedelta(hours=8))


def _rng(kind: str, hour: dt.datetime, key: int) -> random.Random:
    return random.Random(f"{kind}:{int(hour.timestamp()) // 3600}:{key}")


def _clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


def utilisation(kind: str, hour: dt.datetime, key: int = 0) -> float:
    """Average busy share (0…1) of an MCU running a workload of `kind` during `hour` (aware)."""
    rng = _rng(kind, hour, key)
    local = hour.astimezone(CST).hour
    if kind == "training":
        checkpoint = (int(hour.timestamp()) // 3600 + key) % 6 == 0
        return _clamp((0.82 if checkpoint else 0.93) + rng.uniform(-0.04, 0.04))
    if kind == "inference":
        # two daytime peaks and an evening peak, a deep night trough
        day = 0.5 - 0.5 * math.cos((local - 4) / 24 * 2 * math.pi)
        evening = 0.15 if 19 <= local <= 22 else 0.0
        return _clamp(0.12 + 0.6 * day + evening + rng.uniform(-0.06, 0.06))
    if kind == "development":
        working = 9 <= local <= 21
        if rng.random() < (0.45 if working else 0.08):
            return _clamp(rng.uniform(0.55, 0.95))
        return _clamp(rng.uniform(0.01, 0.08))
    if kind == "data_processing":
        night = local >= 22 or local <= 6
        return _clamp((0.85 if night else 0.68) + rng.uniform(-0.12, 0.1))
    return 0.0
