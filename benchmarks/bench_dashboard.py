"""The asset dashboard under load (issue 6): 20 concurrent clients, an organization holding 1,024 MCUs
with 8 days of metered history, PostgreSQL, gunicorn — reported as a ratio to /healthz measured in
the same run.

    python benchmarks/run.py dashboard

Set-up (in a child process, through the real services): the demo organizations, a node pool, one
order of 1,024 MCUs placed → signed → paid → confirmed with its capacity in service since 8 days ago
(assets.demo.delivered_since), tasks on about half of the MCUs, and the hourly usage of those 8 days
written by the scheduler's metering (scheduler.usage.usage_record). Then gunicorn serves the console
and 20 threads, each with its own logged-in session, request /healthz (baseline), the dashboard and the
health-matrix partial (what the page polls), in alternating rounds.
"""

import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DB_URL = os.environ.get(
    "BENCH_DASHBOARD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mcu_bench_dashboard"
)
REDIS_URL = os.environ.get("BENCH_DASHBOARD_REDIS_URL", "redis://127.0.0.1:6379/14")
PORT = int(os.environ.get("BENCH_DASHBOARD_PORT", "8114"))
WORKERS = 3
CLIENTS = 20
REQUESTS_PER_ROUND = 15  # per client and URL
ROUNDS = 3
MCUS = 1024
HISTORY_DAYS = 8
EMAIL, PASSWORD = "admin@demo.example", "mcu-demo-2026"


def _env() -> dict:
    return os.environ | {
        "DATABASE_URL": DB_URL,
        "REDIS_URL": REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "mcu_console.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MCU_VAR_DIR": "/tmp/var_bench_dashboard",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def _recreate_database() -> None:
    import psycopg

    name = DB_URL.rsplit("/", 1)[1]
    admin_url = DB_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup() -> str:
    """Runs in the child process (Django set up against the benchmark database)."""
    import datetime as dt

    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from accounts import demo as accounts_demo
    from assets.demo import delivered_since
    from catalog.services import price_book_ensure_defaults
    from scheduler.choices import WorkloadKind
    from scheduler.models import Mcu, UsageHour
    from scheduler.pool import pool_seed
    from scheduler.selectors import capacity_overview
    from scheduler.usage import usage_record
    from scheduler.workloads import workload_submit

    now = timezone.now()
    since = now - dt.timedelta(days=HISTORY_DAYS)
    with transaction.atomic():
        context = accounts_demo.seed({})
        pool_seed(nodes=600)
        price_book_ensure_defaults()  # for the regions the pool seeding created
        customer = context["customer"]
        lines, left = [], MCUS
        for cap in sorted(capacity_overview(), key=lambda c: (c.domain_kind != "normal", -c.free)):
            if left <= 0:
                break
            take = min(cap.free, left)
            if cap.domain_kind != "normal" and take < 64:
                take = min(take, cap.largest_block)
            if take <= 0:
                continue
            region = getattr(cap.region, "code", cap.region)
            lines.append(
                {
                    "region": region,
                    "quantity": take,
                    "domain_kind": cap.domain_kind,
                    "sales_form": "annual",
                    "term_months": 12,
                }
            )
            left -= take
        assert left == 0, f"fleet too small: {left} MCUs missing"
        delivered_since(customer, since, lines=lines, key="bench-1024")
        regions = {}
        for line in lines:
            regions.setdefault(line["region"], 0)
            regions[line["region"]] += line["quantity"] if line["domain_kind"] == "normal" else 0
    kinds = [WorkloadKind.INFERENCE, WorkloadKind.DEVELOPMENT, WorkloadKind.DATA_PROCESSING]
    for i, (code, normal) in enumerate(regions.items()):
        if normal >= 8:
            with transaction.atomic():
                workload_submit(
                    organization=customer,
                    name=f"bench-{code}",
                    kind=kinds[i % 3],
                    region=code,
                    mcu_count=normal // 2,
                    now=since + dt.timedelta(hours=2),
                )
    started = time.monotonic()
    region_ids = set(Mcu.objects.filter(organization=customer).values_list("region_id", flat=True))
    for region_id in region_ids:
        with transaction.atomic():
            usage_record(region_id=region_id, start=since, end=now)
    return (
        f"{Mcu.objects.filter(organization=customer).count()} MCUs in {len(region_ids)} regions, "
        f"{UsageHour.objects.filter(organization=customer).count():,} usage rows "
        f"(metering took {time.monotonic() - started:.0f} s)"
    )


def _login(httpx, base: str):
    client = httpx.Client(base_url=base, timeout=60, follow_redirects=False)
    page = client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    done = client.post(
        "/accounts/login/",
        data={"username": EMAIL, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": base + "/accounts/login/"},
    )
    assert done.status_code == 302, done.status_code
    return client


def _phase(clients, path: str, n: int, headers=None) -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()
    errors = []

    def run(client):
        mine = []
        for _ in range(n):
            t = time.perf_counter()
            response = client.get(path, headers=headers or {})
            mine.append(time.perf_counter() - t)
            if response.status_code != 200:
                errors.append(response.status_code)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, f"{path}: HTTP {sorted(set(errors))}"
    return latencies


def _pct(values, q) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def main() -> str:
    import httpx

    _recreate_database()
    env = _env()
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    t = time.monotonic()
    described = (
        subprocess.run(
            [PY, __file__, "--setup"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    setup_seconds = time.monotonic() - t
    server = subprocess.Popen(
        [
            GUNICORN,
            "mcu_console.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{PORT}"
    try:
        for _ in range(60):
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        clients = [_login(httpx, base) for _ in range(CLIENTS)]
        size = len(clients[0].get("/assets/").content)
        partial_size = len(clients[0].get("/assets/health/", headers={"HX-Request": "true"}).content)
        _phase(clients, "/assets/", 3)  # warm-up: every worker has its connection and templates
        _phase(clients, "/healthz", 3)
        solo = {}  # one client alone: the service time without queueing
        for path, headers in (
            ("/healthz", None),
            ("/assets/", None),
            ("/assets/health/", {"HX-Request": "true"}),
        ):
            solo[path] = _pct(_phase(clients[:1], path, 30, headers), 50)
        base_l, dash_l, part_l = [], [], []
        started = time.monotonic()
        for _ in range(ROUNDS):
            base_l += _phase(clients, "/healthz", REQUESTS_PER_ROUND)
            dash_l += _phase(clients, "/assets/", REQUESTS_PER_ROUND)
            part_l += _phase(clients, "/assets/health/", REQUESTS_PER_ROUND, {"HX-Request": "true"})
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)

    rows = []
    for name, values in (
        ("`/healthz` (baseline)", base_l),
        ("dashboard `/assets/`", dash_l),
        ("health partial `/assets/health/`", part_l),
    ):
        rows.append((name, len(values), _pct(values, 50), _pct(values, 95)))
    b50, b95 = rows[0][2], rows[0][3]
    table = "\n".join(
        f"| {name} | {n} | {p50:.1f} | {p95:.1f} | {p50 / b50:.2f}× | {p95 / b95:.2f}× |"
        for name, n, p50, p95 in rows
    )
    return f"""## Asset dashboard (issue 6)

Method: `benchmarks/bench_dashboard.py`. PostgreSQL (`{DB_URL.rsplit("@", 1)[-1]}`),
gunicorn with {WORKERS} sync workers, `DEBUG=0`, Redis for the broker check of `/healthz`.
One organization holding {described}; set-up through the real services in {setup_seconds:.0f} s.
{CLIENTS} concurrent clients (threads, each its own logged-in session), {ROUNDS} alternating rounds
of {REQUESTS_PER_ROUND} requests per client and URL ({elapsed:.0f} s of load).
Dashboard HTML {size / 1024:.0f} KiB, matrix partial {partial_size / 1024:.0f} KiB (uncompressed).
Latencies are end-to-end per request while all clients run, so they include queueing for the workers.

| URL | requests | p50 ms | p95 ms | p50 vs baseline | p95 vs baseline |
|---|---|---|---|---|---|
{table}

One client alone (no queueing), p50: `/healthz` {solo["/healthz"]:.1f} ms, dashboard {solo["/assets/"]:.1f} ms
({solo["/assets/"] / solo["/healthz"]:.2f}×), health partial {solo["/assets/health/"]:.1f} ms
({solo["/assets/health/"] / solo["/healthz"]:.2f}×).

The dashboard's queries do not grow with the MCUs (pinned by `tests/assets/test_selectors.py`); what grows is
the rows they read: the MCU list and the month's and week's metered hours.
"""


if __name__ == "__main__":
    if "--setup" in sys.argv:
        print(setup())
    else:
        print(main())
