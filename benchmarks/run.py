"""`make bench`: run every benchmarks/bench_*.py (or those named) and rebuild docs/benchmarks.md.

Each bench module has `main() -> str` returning a Markdown section (machine, date, method, numbers as
ratios to a baseline measured in the same run). Its section is kept in docs/benchmarks/<name>.md, so
benchmarks can be run one at a time; docs/benchmarks.md is rebuilt from all sections.

    python benchmarks/run.py                # all
    python benchmarks/run.py scheduler      # only benchmarks/bench_scheduler.py
"""

import importlib
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ROOT / "docs" / "benchmarks"


def machine() -> str:
    cpus = os.cpu_count()
    mem = ""
    try:
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    cpu = platform.processor() or platform.machine()
    return f"{cpu} · {cpus} cores{mem} · Python {platform.python_version()}"


def rebuild_index() -> None:
    parts = [
        "# Benchmarks\n",
        "Measured with `make bench` (or `python benchmarks/run.py NAME`). Timings are never asserted in CI;"
        " each figure is reported next to a baseline measured in the same run, so ratios stay comparable"
        " across machines.\n",
    ]
    for section in sorted(SECTIONS.glob("*.md")):
        parts.append(section.read_text(encoding="utf-8").strip() + "\n")
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(parts), encoding="utf-8")


def main(names: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mcu_console.settings")
    SECTIONS.mkdir(parents=True, exist_ok=True)
    available = sorted(p.stem.removeprefix("bench_") for p in (ROOT / "benchmarks").glob("bench_*.py"))
    for name in names or available:
        if name not in available:
            print(f"no benchmark {name!r}; have: {', '.join(available)}")
            return 2
        started = time.monotonic()
        module = importlib.import_module(f"benchmarks.bench_{name}")
        body = module.main()
        header = f"<!-- {name}: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {machine()} -->\n"
        (SECTIONS / f"{name}.md").write_text(header + body.strip() + "\n", encoding="utf-8")
        print(f"{name}: done in {time.monotonic() - started:.0f} s")
    rebuild_index()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
