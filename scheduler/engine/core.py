"""The deterministic fleet engine — pure Python, no Django (DESIGN §4).

`step()` advances a list of `NodeSim` from `t0` to `t1` (POSIX seconds) with a caller-seeded RNG and
returns what the platform would *observe*: warnings, warnings that clear, failures detected from
missed heartbeats, repairs. The hidden truth (a node that is degrading or already dead) lives in
`sim_state`; the platform only learns a crash when heartbeats stop for `heartbeat_timeout` seconds.

Fault model calibration
-----------------------
Meta's Llama 3 report ("The Llama 3 Herd of Models", 2024, §3.3.4) counts **419 unexpected
interruptions in 54 days** of pre-training on **16,384 H100 GPUs = 2,048 8-GPU servers**:
419 / (54 × 2,048) = 0.00379 interruptions per node-day, i.e. one per node every ~264 days
(MTBF ≈ 6,300 node-hours). That is the default `failures_per_node_day`; a 1,000-node pool therefore
loses ~3.8 nodes a day. About 78 % of those interruptions were confirmed or suspected hardware issues,
many (GPU, HBM3) announced by rising ECC/Xid errors and temperature; we let `precursor_share` = 40 %
of failures show such a warning 30 min – 6 h before the crash. Some warnings clear by themselves
(`false_alarms_per_node_day`). Repair (replace the GPU/board, burn-in) takes 2–48 h, median ~8 h.
"""

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

LLAMA3_INTERRUPTIONS = 419
LLAMA3_DAYS = 54
LLAMA3_NODES = 2048
FAILURES_PER_NODE_DAY = LLAMA3_INTERRUPTIONS / LLAMA3_DAYS / LLAMA3_NODES  # ≈ 0.003789

# Node statuses as the engine knows them (the same strings as scheduler.choices.NodeStatus).
HEALTHY, WARNING, FAILED, DRAINING, MAINTENANCE = "healthy", "warning", "failed", "draining", "maintenance"
IN_SERVICE = (HEALTHY, WARNING, DRAINING)
OK, DEGRADING, FALSE_ALARM, CRASHED = "ok", "degrading", "falsealarm", "crashed"


@dataclass(frozen=True)
class FaultParams:
    failures_per_node_day: float = FAILURES_PER_NODE_DAY
    precursor_share: float = 0.4
    precursor_lead: tuple[float, float] = (1800, 6 * 3600)
    false_alarms_per_node_day: float = 0.002
    false_alarm_duration: tuple[float, float] = (600, 3 * 3600)
    heartbeat_timeout: float = 120  # two missed 60-second heartbeats
    repair_median_hours: float = 8
    repair_range_hours: tuple[float, float] = (2, 48)
    scale: float = 1.0  # multiply both rates (demo: make a small pool fail visibly)

    def per_second(self, per_day: float) -> float:
        return per_day * self.scale / 86400


@dataclass
class NodeSim:
    id: int
    status: str
    nominal_perf: float  # TFLOPS per MCU the hardware gives when well
    sim_state: str = OK
    fail_at: float | None = None  # degrading: when it crashes; false alarm: when it clears
    last_heartbeat: float | None = None
    repair_due: float | None = None
    temperature: float = 60.0
    ecc_errors: int = 0
    perf: float = 0.0
    changed: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Event:
    kind: str  # "warn" | "clear" | "detect" | "repaired" | "crash" (hidden, for the record)
    node_id: int
    at: float
    reason: str


def _p(rate_per_s: float, dt: float) -> float:
    return 1.0 - math.exp(-rate_per_s * dt)


def repair_seconds(rng: random.Random, params: FaultParams) -> float:
    lo, hi = params.repair_range_hours
    hours = min(hi, max(lo, rng.lognormvariate(math.log(params.repair_median_hours), 0.8)))
    return hours * 3600


def step(
    nodes: Iterable[NodeSim], t0: float, t1: float, params: FaultParams, rng: random.Random
) -> list[Event]:
    """Advance every node from t0 to t1. Deterministic for the same nodes, times, params and RNG state."""
    dt = t1 - t0
    p_fail = _p(params.per_second(params.failures_per_node_day), dt)
    p_false = _p(params.per_second(params.false_alarms_per_node_day), dt)
    events: list[Event] = []
    for node in sorted(nodes, key=lambda n: n.id):
        # draw the same number of numbers for every node, so one node's fate never shifts another's
        r_fault, r_kind, r_lead, r_noise = rng.random(), rng.random(), rng.random(), rng.random()
        if node.sim_state == CRASHED:
            if node.status in IN_SERVICE and node.last_heartbeat is not None:
                silent_since = node.last_heartbeat
                if t1 - silent_since >= params.heartbeat_timeout:
                    events.append(Event("detect", node.id, t1, f"no heartbeat for {t1 - silent_since:.0f} s"))
                    node.repair_due = t1 + repair_seconds(rng, params)
                    node.changed = True
            elif node.status == FAILED and node.repair_due is not None and node.repair_due <= t1:
                events.append(Event("repaired", node.id, t1, "repaired and burned in"))
                node.sim_state, node.fail_at, node.repair_due = OK, None, None
                node.ecc_errors, node.temperature, node.perf = 0, 60.0, node.nominal_perf
                node.last_heartbeat = t1
                node.changed = True
            continue
        if node.status == FAILED:  # failed by ops while the simulation thought it fine
            if node.repair_due is not None and node.repair_due <= t1:
                events.append(Event("repaired", node.id, t1, "repaired"))
                node.repair_due, node.changed = None, True
            continue
        if node.status == MAINTENANCE:
            node.last_heartbeat = t1
            continue

        if node.sim_state == OK:
            if r_fault < p_fail:
                if r_kind < params.precursor_share:
                    lo, hi = params.precursor_lead
                    node.sim_state, node.fail_at = DEGRADING, t1 + lo + (hi - lo) * r_lead
                    node.ecc_errors += 3
                    node.temperature = 84.0 + 6 * r_noise
                    events.append(
                        Event("warn", node.id, t1, "correctable ECC errors rising, GPU temperature high")
                    )
                else:
                    crash_at = t0 + dt * r_lead
                    node.sim_state, node.fail_at = CRASHED, crash_at
                    node.last_heartbeat = t0 if node.last_heartbeat is None else min(node.last_heartbeat, t0)
                    events.append(Event("crash", node.id, crash_at, "GPU fell off the bus (Xid 79)"))
                node.changed = True
                continue
            if r_fault < p_fail + p_false:  # a warning that will clear by itself
                lo, hi = params.false_alarm_duration
                node.sim_state, node.fail_at = FALSE_ALARM, t1 + lo + (hi - lo) * r_lead
                node.temperature = 83.0 + 5 * r_noise
                events.append(Event("warn", node.id, t1, "GPU temperature above 83 °C"))
                node.changed = True
            else:
                node.temperature = 58.0 + 12 * r_noise
                node.perf = node.nominal_perf * (0.985 + 0.04 * r_noise)
        elif node.sim_state == DEGRADING:
            node.ecc_errors += 1 + int(4 * r_noise)
            node.temperature = min(95.0, node.temperature + 1.5 * r_noise)
            node.perf = node.nominal_perf * (0.78 + 0.1 * r_noise)  # thermal throttling
            node.changed = True
            if node.fail_at is not None and node.fail_at <= t1:
                node.sim_state = CRASHED
                node.last_heartbeat = max(t0, node.fail_at - dt)
                events.append(Event("crash", node.id, node.fail_at, "uncorrectable ECC error (Xid 48)"))
                continue
        elif node.sim_state == FALSE_ALARM:
            node.perf = node.nominal_perf * (0.9 + 0.05 * r_noise)
            if node.fail_at is not None and node.fail_at <= t1:
                node.sim_state, node.fail_at = OK, None
                node.temperature = 65.0
                events.append(Event("clear", node.id, t1, "temperature back to normal"))
                node.changed = True
        node.last_heartbeat = t1
    return events
