"""Demo node pool (used by `seed_demo`): a modest fleet, fast to create, with room for the demo
customer's ~100 MCUs and tightly-coupled blocks of 32 and more in every region."""

from scheduler.pool import pool_seed

DEMO_NODES = 150


def seed(context=None) -> dict:
    result = pool_seed(nodes=DEMO_NODES)
    return {"pool_nodes": result.nodes_total}
