"""The pure engine: calibration to the Llama 3 fleet figure, determinism, detection by heartbeats."""

import random

from scheduler.engine.core import (
    CRASHED,
    FAILED,
    FAILURES_PER_NODE_DAY,
    HEALTHY,
    FaultParams,
    NodeSim,
    step,
)


def fleet(n):
    return [NodeSim(id=i, status=HEALTHY, nominal_perf=330.0, last_heartbeat=0.0) for i in range(n)]


DEFAULT = FaultParams()


def run(nodes, days, step_s, seed=1, params=DEFAULT):
    rng = random.Random(seed)
    events = []
    t = 0.0
    while t < days * 86400:
        new = step(nodes, t, t + step_s, params, rng)
        for e in new:  # the platform's reaction: a detected node is failed until repaired
            node = nodes[e.node_id]
            if e.kind == "detect":
                node.status = FAILED
            elif e.kind == "repaired":
                node.status = HEALTHY
        events += new
        t += step_s
    return events


def test_default_rate_is_the_llama3_figure():
    assert abs(FAILURES_PER_NODE_DAY - 419 / 54 / 2048) < 1e-12
    assert 0.0037 < FAILURES_PER_NODE_DAY < 0.0038


def test_fleet_of_2048_nodes_sees_about_419_interruptions_in_54_days():
    events = run(fleet(2048), days=54, step_s=6 * 3600)
    crashes = sum(e.kind == "crash" for e in events)
    # Poisson(419) has a standard deviation of ~20; repairs keep the fleet near full size
    assert 340 <= crashes <= 500, crashes
    detections = sum(e.kind == "detect" for e in events)
    assert detections >= crashes - 5  # every crash is detected (bar those at the very end)


def test_same_seed_same_history_other_seed_other_history():
    a = run(fleet(300), days=30, step_s=3600, seed=5)
    b = run(fleet(300), days=30, step_s=3600, seed=5)
    c = run(fleet(300), days=30, step_s=3600, seed=6)
    assert a == b and a != c


def test_some_failures_warn_first_and_some_warnings_clear():
    events = run(fleet(500), days=60, step_s=1800, seed=3, params=FaultParams(scale=3))
    kinds = [e.kind for e in events]
    assert kinds.count("warn") > 0 and kinds.count("clear") > 0
    warned = {e.node_id for e in events if e.kind == "warn"}
    crashed_after_warning = {e.node_id for e in events if e.kind == "crash"} & warned
    assert crashed_after_warning  # precursors do precede some crashes


def test_crash_is_detected_only_after_missed_heartbeats():
    node = NodeSim(id=1, status=HEALTHY, nominal_perf=300.0, sim_state=CRASHED, last_heartbeat=1000.0)
    params = FaultParams(heartbeat_timeout=120)
    assert step([node], 1000, 1060, params, random.Random(1)) == []  # 60 s of silence: not yet
    events = step([node], 1060, 1120, params, random.Random(1))
    assert [e.kind for e in events] == ["detect"] and node.repair_due > 1120


def test_healthy_nodes_heartbeat_and_report_performance():
    nodes = fleet(50)
    step(nodes, 0, 60, FaultParams(scale=0), random.Random(1))
    assert all(n.last_heartbeat == 60 for n in nodes)
    assert all(0.98 * 330 <= n.perf <= 1.03 * 330 for n in nodes)
