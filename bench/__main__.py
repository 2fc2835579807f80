"""Every benchmark, one after another, then one table: each figure with its ratio to a floor measured in the
same run (run `bash bench/setup` once first).

    python -m bench [--quick] [benchmark ...]

--quick: 3 s per load target and small data sets, a few minutes in all. Each benchmark module has
`run(quick: bool) -> list[Row]` for this table and prints its details when run on its own (`python -m bench.pageup`).
"""

import argparse
import importlib
import subprocess
import sys
import time
import traceback

from bench.harness import Row, print_table

BENCHMARKS = ["basic", "stack", "pageup", "gupy", "connect", "careers", "checks", "merit", "scale", "servers"]
QUICK_ARGS = {"checks": ["--checks", "1000", "--pollers", "1,8"]}  # for a module without run(): its own command


def rows_of(name: str, quick: bool) -> list[Row]:
    module = importlib.import_module(f"bench.{name}")
    if hasattr(module, "run"):
        found: list[Row] = module.run(quick)
        return found
    command = [sys.executable, "-m", f"bench.{name}", *(QUICK_ARGS.get(name, []) if quick else [])]
    subprocess.run(command, check=True, timeout=3600)
    return [Row(name, "(its own report, printed above)", 0, "")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="short loads and small data sets")
    parser.add_argument("benchmarks", nargs="*", metavar="benchmark",
                        help=f"any of {', '.join(BENCHMARKS)} (default: all)")
    args = parser.parse_args()
    if unknown := set(args.benchmarks) - set(BENCHMARKS):
        parser.error(f"unknown benchmark: {', '.join(sorted(unknown))}")
    rows: list[Row] = []
    failed = []
    started = time.perf_counter()
    for name in args.benchmarks or BENCHMARKS:
        print(f"== bench.{name}", file=sys.stderr, flush=True)
        try:
            rows += rows_of(name, args.quick)
        except Exception:
            traceback.print_exc()
            failed.append(name)
    print(f"\n{'quick' if args.quick else 'full'} run, {time.perf_counter() - started:.0f} s; loads by wrk, "
          "1 thread, 8 connections; each ratio is to a floor measured in this run\n")
    print_table(rows)
    if failed:
        raise SystemExit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
