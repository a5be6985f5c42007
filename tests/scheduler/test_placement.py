"""Pure placement planning (R-2.5): best fit in one domain; clusters in as few domains as possible."""

from hypothesis import given
from hypothesis import strategies as st

from scheduler.placement import NodeRoom, plan_domains, plan_slots


def test_best_fit_picks_smallest_domain_that_fits():
    free = [(1, 16), (2, 32), (3, 48)]
    assert plan_domains(free, 8, may_span=False) == [(1, 8)]
    assert plan_domains(free, 17, may_span=False) == [(2, 17)]
    assert plan_domains(free, 33, may_span=False) == [(3, 33)]


def test_tightly_coupled_line_never_spans():
    assert plan_domains([(1, 16), (2, 32), (3, 48)], 49, may_span=False) is None


def test_cluster_uses_largest_domains_then_best_fit_for_the_rest():
    free = [(1, 16), (2, 32), (3, 48), (4, 20)]
    # 100 = 48 (largest) + 32 (next) + 20 (smallest that fits the remaining 20)
    assert plan_domains(free, 100, may_span=True) == [(3, 48), (2, 32), (4, 20)]
    # 64 fits no single domain: 48 + best fit for 16 → domain 1 (16), not 4 (20)
    assert plan_domains(free, 64, may_span=True) == [(3, 48), (1, 16)]
    assert plan_domains(free, 117, may_span=True) is None


def test_ties_break_by_domain_id():
    assert plan_domains([(5, 10), (2, 10)], 10, may_span=False) == [(2, 10)]


def test_slots_fill_used_nodes_first():
    nodes = [NodeRoom(1, 8), NodeRoom(2, 8, {0, 1, 2, 3, 4}), NodeRoom(3, 8, {0})]
    # node 2 (3 free) is fullest, then node 3 (7 free), node 1 (empty) last
    assert plan_slots(nodes, 4) == [(2, 5), (2, 6), (2, 7), (3, 1)]
    assert len(plan_slots(nodes, 18)) == 18  # 8 + 3 + 7: every free slot
    assert plan_slots(nodes, 19) is None


@given(
    free=st.lists(st.integers(0, 200), min_size=1, max_size=12),
    quantity=st.integers(1, 800),
    span=st.booleans(),
)
def test_plan_domains_properties(free, quantity, span):
    domains = list(enumerate(free, start=1))
    plan = plan_domains(domains, quantity, may_span=span)
    fits_one = any(f >= quantity for f in free)
    if plan is None:
        assert not fits_one and (not span or sum(free) < quantity)
        return
    room = dict(domains)
    assert sum(q for _, q in plan) == quantity
    assert all(0 < q <= room[d] for d, q in plan)
    assert len({d for d, _ in plan}) == len(plan)
    if fits_one:
        assert len(plan) == 1 and room[plan[0][0]] == min(f for f in free if f >= quantity)
    else:
        # as few domains as possible: no smaller set of domains could hold the quantity
        k = len(plan)
        assert sum(sorted(free, reverse=True)[: k - 1]) < quantity
