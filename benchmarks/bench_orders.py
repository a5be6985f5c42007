"""Orders placed per second under concurrent clients (issue 4), against one client placing the same orders.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mcu_bench .venv/bin/python benchmarks/run.py orders

A throw-away test database (Django's test-database machinery) gets three regions with ample capacity and
the default price book. Every order is the issue's example: 8 MCU tightly-coupled in one region plus 4 MCU
normal in the next — two lines, two holds, two region locks, one transaction (`orders.services.order_place`).
Scenarios, each with the same number of orders:
- baseline: one client, one order after the other;
- N clients (threads, one database connection each) ordering at once, orders spread over the regions;
- N clients all ordering in the same two regions (they queue on the same region locks);
- N clients through the HTTP API (`POST /api/v1/orders`, token auth, JSON) — the whole Django stack;
- the last capacity: N clients race for more than there is; counts who won and checks nothing is oversold.
PostgreSQL only: SQLite has one writer at a time, so there is nothing concurrent to measure.
"""

import datetime as dt
import json
import os
import threading
import time

CLIENTS = int(os.environ.get("BENCH_ORDERS_CLIENTS", "8"))
ORDERS = int(os.environ.get("BENCH_ORDERS_N", "120"))  # per scenario and round
ROUNDS = int(os.environ.get("BENCH_ORDERS_ROUNDS", "3"))
# Three disjoint pairs of regions: an order takes its tightly-coupled line in the first of a pair and its
# normal line in the second, so orders of different pairs never wait for each other's region lock.
REGIONS = [(f"bench-r{i}", f"基准区域{i}") for i in range(6)]
PAIRS = 3
TC_DOMAINS, TC_SLOTS, NORMAL_SLOTS = 2, 1024, 1024  # per region; nodes of 8 slots


def _fill():
    from decimal import Decimal

    from accounts.choices import Role
    from accounts.models import Membership, Organization, User
    from catalog.models import Region
    from catalog.services import price_book_ensure_defaults
    from scheduler.models import ComputeDomain, HardwareProfile, Node

    profile = HardwareProfile.objects.create(
        name="B8",
        gpu_model="bench",
        gpu_tflops_bf16=Decimal(250),
        gpu_memory_gb=48,
        gpus_per_node=4,
        host_ram_gb=384,
        nvme_gb=2880,
        vcpus=64,
    )
    nodes = []
    for i, (code, name) in enumerate(REGIONS):
        region = Region.objects.create(code=code, name=name, sort_order=i)
        domains = [(f"{code}-tc{d}", "tightly_coupled", TC_SLOTS) for d in range(TC_DOMAINS)]
        domains.append((f"{code}-normal", "normal", NORMAL_SLOTS))
        for dcode, kind, slots in domains:
            domain = ComputeDomain.objects.create(region=region, kind=kind, code=dcode)
            nodes += [
                Node(domain=domain, profile=profile, name=f"{dcode}-n{n:04d}", mcu_capacity=8)
                for n in range(slots // 8)
            ]
    Node.objects.bulk_create(nodes, batch_size=2000)
    price_book_ensure_defaults()
    users = []
    for c in range(CLIENTS):
        org = Organization.objects.create(
            legal_name=f"基准客户{c:02d}", credit_code=f"91330106BENCHORD{c:02d}"
        )
        user = User.objects.create_user(f"bench{c}@example.com", "bench-password-42")
        Membership.objects.create(user=user, organization=org, role=Role.ADMIN)
        users.append(user)
    return users


def _lines(i: int, spread: bool) -> list[dict]:
    a = 2 * (i % PAIRS) if spread else 0
    b = a + 1
    return [
        {"region": REGIONS[a][0], "quantity": 8, "domain_kind": "tightly_coupled", "sales_form": "annual"},
        {"region": REGIONS[b][0], "quantity": 4, "domain_kind": "normal", "sales_form": "annual"},
    ]


def _release_all():
    from orders.choices import OPEN_STATUSES
    from orders.models import Order
    from orders.services import order_cancel

    for order in Order.objects.filter(status__in=OPEN_STATUSES):
        order_cancel(order=order, actor=None, reason="benchmark reset")


def _run(clients: int, total: int, place) -> tuple[float, dict]:
    """`place(client_index, order_index)` → HTTP-like status; returns (seconds, {status: count})."""
    from django.db import connections

    barrier = threading.Barrier(clients + 1)
    counts: dict = {}
    lock = threading.Lock()
    errors = []

    def worker(c):
        try:
            barrier.wait()
            for i in range(c, total, clients):
                status = place(c, i)
                with lock:
                    counts[status] = counts.get(status, 0) + 1
        except Exception as exc:  # a deadlock or a 500 spoils the benchmark: reported, not hidden
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(errors[:3])
    return elapsed, counts


def main() -> str:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mcu_console.settings")
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_databases, teardown_databases

    if connection.vendor != "postgresql":
        return "## Ordering: orders placed per second\n\nSkipped: needs PostgreSQL (set DATABASE_URL).\n"
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    old = setup_databases(verbosity=0, interactive=False, keepdb=False)
    try:
        from django.db import transaction
        from django.utils import timezone

        from accounts.services import api_token_create
        from mcu_console.exceptions import ServiceError
        from orders.models import Order
        from orders.services import order_place
        from scheduler import services as scheduler_services
        from scheduler.capacity import domain_capacities

        users = _fill()
        orgs = [u.membership.organization for u in users]

        def service(spread):
            def place(c, i):
                try:
                    order_place(organization=orgs[c], lines=_lines(i, spread), actor=users[c])
                except ServiceError as exc:
                    return exc.status
                return 201

            return place

        api_clients = []
        for user in users:
            client = Client()
            client.defaults["HTTP_AUTHORIZATION"] = (
                "Bearer " + api_token_create(membership=user.membership, name="bench")[1]
            )
            api_clients.append(client)

        def via_api(c, i):
            response = api_clients[c].post(
                "/api/v1/orders", data=json.dumps({"lines": _lines(i, True)}), content_type="application/json"
            )
            return response.status_code

        scenarios = {
            "baseline": (1, service(True)),
            "spread": (CLIENTS, service(True)),
            "same": (CLIENTS, service(False)),
            "api": (CLIENTS, via_api),
        }
        # Rounds interleave the scenarios and the fastest round of each counts, so a burst of load from
        # elsewhere on a shared machine does not decide a ratio.
        results = {}
        for _round in range(ROUNDS):
            for key, (clients, place) in scenarios.items():
                outcome = _run(clients, ORDERS, place)
                _release_all()
                if key not in results or outcome[0] < results[key][0]:
                    results[key] = outcome
        # The last capacity: hold all of region r0's tightly-coupled room but 50 lines of 8, then race for 80.
        free_tc = sum(c.free for c in domain_capacities(region="bench-r0", kind="tightly_coupled"))
        with transaction.atomic():
            for k in range(free_tc // 8 - 50):
                scheduler_services.holds_place(
                    organization=orgs[0],
                    region="bench-r0",
                    domain_kind="tightly_coupled",
                    quantity=8,
                    reference=f"bench-filler-{k}",
                    expires_at=timezone.now() + dt.timedelta(days=1),
                )
        before = Order.objects.count()

        def race(c, i):
            try:
                order_place(
                    organization=orgs[c],
                    lines=[
                        {
                            "region": "bench-r0",
                            "quantity": 8,
                            "domain_kind": "tightly_coupled",
                            "sales_form": "annual",
                        }
                    ],
                    actor=users[c],
                )
            except ServiceError as exc:
                return exc.status
            return 201

        results["race"] = _run(CLIENTS, 80, race)
        won = Order.objects.count() - before
        oversold = [c for c in domain_capacities() if c.allocated + c.held > c.capacity]
        version = connection.cursor().connection.info.server_version
        load = os.getloadavg()[0]
    finally:
        teardown_databases(old, verbosity=0)

    base_s, base_counts = results["baseline"]
    base_rate = base_counts.get(201, 0) / base_s

    def row(label, key):
        seconds, counts = results[key]
        placed = counts.get(201, 0)
        rate = placed / seconds
        refused = sum(v for k, v in counts.items() if k != 201)
        return (
            f"| {label} | {placed} | {refused} | {seconds:.2f} | {rate:.1f} | {rate / base_rate:.2f}× |"
            f" {seconds / max(placed, 1) * 1000 * (1 if key == 'baseline' else CLIENTS):.0f} |"
        )

    race_s, race_counts = results["race"]
    return f"""## Ordering: orders placed per second under concurrent clients

Method: `benchmarks/bench_orders.py` on a fresh PostgreSQL {version // 10000} test database;
{len(REGIONS)} regions with {TC_DOMAINS} tightly-coupled domains of {TC_SLOTS} MCU slots and
{NORMAL_SLOTS} normal slots each.
Every order is the issue's example — 8 MCU tightly-coupled in one region + 4 MCU normal in another, annual:
two priced lines, two holds (each locking its region's domain rows, in region order), the order number,
status history and audit event, in one transaction via `orders.services.order_place`. {ORDERS} orders per
scenario; {CLIENTS} clients are threads with a database connection each. Holds are released between scenarios.
The baseline is one client placing the same orders one after the other. {ROUNDS} rounds run every scenario in
turn; the fastest round of each is shown.

| scenario | placed | refused | seconds | orders/s | vs baseline | ≈ ms per order, per client |
|---|---:|---:|---:|---:|---:|---:|
{row("baseline: 1 client", "baseline")}
{row(f"{CLIENTS} clients, orders spread over 3 disjoint pairs of regions", "spread")}
{row(f"{CLIENTS} clients, all in the same pair of regions", "same")}
{row(f"{CLIENTS} clients through `POST /api/v1/orders`", "api")}

The last capacity: region r0's tightly-coupled room was held but for 50 lines of 8 MCU, then {CLIENTS}
clients raced 80 orders for it in {race_s:.2f} s: **{won} placed, {race_counts.get(409, 0)} refused with 409**
(not enough capacity), {sum(v for k, v in race_counts.items() if k not in (201, 409))} other answers;
domains where allocated + held > capacity afterwards: **{len(oversold)}**.
Load average at the end of the run: {load:.1f} on {os.cpu_count()} cores.

Reading: the clients share 2 cores with PostgreSQL (and, on a shared machine, with whatever else runs), so
the gain from concurrency is bounded by the CPUs; orders that touch the same regions queue on the region lock
(by design: that lock is what makes overselling impossible), so "same pair" is the contended case.
"""
