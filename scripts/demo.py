"""`make demo`: migrate, load the demo, and run web + Celery worker + beat on the embedded defaults.

No service is needed: SQLite under var/ and kombu's file-system broker. Ctrl-C stops everything.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def run(*args: str) -> None:
    subprocess.run([PY, *args], cwd=ROOT, check=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    opts = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mcu_console.settings")

    started = time.monotonic()
    run("manage.py", "migrate", "--no-input", "-v", "0")
    run("manage.py", "seed_demo")
    procs = {
        "web": subprocess.Popen(
            [PY, "manage.py", "runserver", "--noreload", f"{opts.host}:{opts.port}"], cwd=ROOT
        ),
        "worker": subprocess.Popen(
            [
                PY,
                "-m",
                "celery",
                "-A",
                "mcu_console",
                "worker",
                "-P",
                "solo",
                "-l",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
        ),
        "beat": subprocess.Popen(
            [PY, "-m", "celery", "-A", "mcu_console", "beat", "-l", "WARNING", "--pidfile="], cwd=ROOT
        ),
    }
    from demo.logins import DEMO_PASSWORD, LOGINS  # after migrate: importing is cheap, settings not needed

    url = f"http://{opts.host}:{opts.port}/"
    print(f"\nMemoryLake Compute console is up in {time.monotonic() - started:.0f} s: {url}")
    print(f"Admin (staff): {url}admin/   API docs: {url}api/v1/docs")
    print(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for role, email in LOGINS:
        print(f"  {role:<42} {email}")
    print("Press Ctrl-C to stop web, worker and beat.\n", flush=True)

    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping:
            for name, proc in procs.items():
                if proc.poll() is not None:
                    print(f"{name} exited with {proc.returncode}; stopping the demo", file=sys.stderr)
                    stopping = True
            time.sleep(0.5)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
