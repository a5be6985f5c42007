"""The demo, in order. Each app owns its seeding in `<app>/demo.py`; each step must be idempotent."""

from accounts import demo as accounts_demo


def _accounts(context):
    return accounts_demo.seed()


STEPS = [
    ("organizations and users", _accounts),
]
