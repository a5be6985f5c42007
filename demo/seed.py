"""The demo, in order. Each app owns its seeding in `<app>/demo.py` with `seed(context) -> dict | None`.

Every step must be idempotent (running `seed_demo` twice changes nothing) and fast: `make demo` should be
ready about a minute after installing. A step's returned dict is merged into the context of later steps.
"""

import importlib
import importlib.util

STEPS = [
    ("organizations and users", "accounts.demo"),
    ("node pool", "scheduler.demo"),
    ("orders in every state", "orders.demo"),
    ("contracts, payments and deliveries", "contracts.demo"),
    ("workloads and 30 days of history", "assets.demo"),
    ("bills", "billing.demo"),
]


def available_steps():
    """(name, seed function) for each step whose module exists."""
    for name, module_path in STEPS:
        if importlib.util.find_spec(module_path) is None:
            continue
        yield name, importlib.import_module(module_path).seed
