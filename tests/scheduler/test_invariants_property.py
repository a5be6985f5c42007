"""Property test (hypothesis): random sequences of faults, drains, repairs, ticks, allocations,
releases and holds never break the pool's invariants (DESIGN I-1, I-2, I-3), checked after every step."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from catalog.choices import DomainKind
from scheduler import health, invariants, services, simulation
from scheduler.choices import ACTIVE_MCU_STATUSES, McuStatus, NodeStatus
from scheduler.engine.core import FaultParams
from scheduler.exceptions import InsufficientCapacity, InvalidTransition
from scheduler.models import Mcu, Node
from tests.factories import make_org
from tests.scheduler.conftest import build_pool

ops = st.one_of(
    st.tuples(st.just("fail"), st.integers(0, 20)),
    st.tuples(st.just("drain"), st.integers(0, 20)),
    st.tuples(st.just("return"), st.integers(0, 20)),
    st.tuples(st.just("warn"), st.integers(0, 20)),
    st.tuples(st.just("tick"), st.sampled_from([0, 200, 3000])),
    st.tuples(st.just("allocate"), st.sampled_from([1, 3, 8, 12, 20, 70])),
    st.tuples(st.just("normal"), st.sampled_from([1, 5, 9])),
    st.tuples(st.just("hold"), st.sampled_from([4, 16, 30])),
    st.tuples(st.just("release"), st.integers(0, 10)),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(ops, min_size=1, max_size=14))
@example(steps=[("warn", 0), ("tick", 0), ("return", 0)])  # found by hypothesis: MCUs stayed "warning"
def test_invariants_hold_after_every_step(db, steps):
    with transaction.atomic():
        pool = build_pool(sizes=(("tc-a", 2), ("tc-b", 3), ("tc-c", 4)), normal=3)  # 16/24/32 TC, 24 normal
        orgs = [make_org(), make_org()]
        nodes = list(Node.objects.order_by("id"))
        refs: list[str] = []
        now = timezone.now()
        tick = simulation.tick_number(now)
        services.mcus_allocate(
            organization=orgs[0],
            region=pool.region,
            domain_kind=DomainKind.TIGHTLY_COUPLED,
            quantity=10,
            reference="seed",
        )
        refs.append("seed")
        for i, (op, arg) in enumerate(steps):
            org = orgs[i % 2]
            try:
                if op in ("fail", "drain", "return", "warn"):
                    node = Node.objects.get(pk=nodes[arg % len(nodes)].pk)
                    if op == "fail":
                        health.node_fail_now(node=node, now=now)
                    elif op == "drain":
                        health.node_drain(node=node, now=now)
                    elif op == "return":
                        health.node_return_to_service(node=node, now=now)
                    elif node.status == NodeStatus.HEALTHY:
                        health.node_warn(node=node, reason="test", now=now)
                elif op == "tick":
                    tick += 5
                    now = simulation.tick_time(tick)
                    simulation.region_tick(region_id=pool.region.pk, tick=tick, params=FaultParams(scale=arg))
                elif op in ("allocate", "normal"):
                    kind = DomainKind.TIGHTLY_COUPLED if op == "allocate" else DomainKind.NORMAL
                    ref = f"r{i}"
                    services.mcus_allocate(
                        organization=org,
                        region=pool.region,
                        domain_kind=kind,
                        quantity=arg,
                        reference=ref,
                        now=now,
                    )
                    refs.append(ref)
                elif op == "hold":
                    services.holds_place(
                        organization=org,
                        region=pool.region,
                        domain_kind=DomainKind.TIGHTLY_COUPLED,
                        quantity=arg,
                        reference=f"h{i}",
                        expires_at=now + dt.timedelta(days=7),
                        now=now,
                    )
                elif op == "release" and refs:
                    services.mcus_release(reference=refs.pop(arg % len(refs)), now=now)
            except (InsufficientCapacity, InvalidTransition):
                pass  # a refusal is a fine answer; the invariants must hold either way
            problems = invariants.violations(now=now)
            assert problems == [], (op, arg, problems)
        # never lost: every MCU ever allocated is still active or was released on purpose
        assert not Mcu.objects.exclude(status__in=[*ACTIVE_MCU_STATUSES, McuStatus.RELEASED]).exists()
        transaction.set_rollback(True)
