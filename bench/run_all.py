"""Run every benchmark in bench/ one after another (never two at once: they compare against baselines
measured in the same run, and parallel runs would disturb each other). Usage: bench/run_all.py [NAME...]"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    """Run the named benchmarks (default: all) and print a one-line summary for each."""
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in names or s.stem in names]
        if not scripts:
            print(f"run_all: no benchmark named {' '.join(names)}", file=sys.stderr)
            return 2
    results = []
    for script in scripts:
        print(f"\n=== {script.stem} ===", flush=True)
        started = time.monotonic()
        code = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        results.append((script.stem, code, time.monotonic() - started))
    print("\n=== summary ===")
    for name, code, seconds in results:
        print(f"{name:<16} {'ok' if code == 0 else f'exit {code}':<8} {seconds:7.1f} s")
    return max((code for _, code, _ in results), default=0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
