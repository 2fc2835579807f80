"""This checkout against an earlier revision, loaded in turn on the same data: what a change did to the
PageUp lists, as a ratio measured in the same run (on a noisy machine the floor itself moves by a third
between runs, so two separate runs cannot tell a 20% change from noise).

    python -m bench.compare REV [--rounds 3] [--seconds 5] [--connections 8]

REV is checked out with `git worktree` into a temporary directory, and served by this virtual environment
with the worktree's `src` first on PYTHONPATH, on its own copy of the 100,000-application data set
(`bench.pageup_data`). Both servers run for the whole comparison and are loaded one at a time with wrk,
alternating which goes first in each round (A B, then B A, ...) so that a drift of the machine falls on
both. First it says whether both sides answer each target with the same bytes; then for each target it prints
every round's req/s and the ratio this/REV, and the median ratio.
REV must read the data set's schema (no migration between REV and this checkout). Run it against HEAD once
to see the machine's noise: on this 2-core machine, the same code on both sides gave rounds from 0.85x to
1.08x (medians 0.94x and 0.98x over four rounds), so a change below about 15% needs more rounds to show.
"""

import argparse
import shutil
import statistics
import subprocess
import tempfile
import urllib.request
from contextlib import ExitStack
from pathlib import Path

from bench.harness import HOST, free_port, hireport_env, serve_command, serving
from bench.pageup import DATA, LOAD_SIZE, TARGETS, get_json, paths, token
from bench.pageup_data import build
from bench.wrk import load

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rev", help="the revision to compare with (a commit, tag or branch)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of loads (1 to 10)")
    parser.add_argument("--seconds", type=float, default=5.0, help="load time per target and side (max 120)")
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    rounds = max(1, min(args.rounds, 10))
    manifest = build(LOAD_SIZE, DATA / f"pageup-{LOAD_SIZE}")
    with tempfile.TemporaryDirectory(prefix="hireport-compare-") as scratch, ExitStack() as stack:
        tree, data = Path(scratch) / "tree", Path(scratch) / "data"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(tree), args.rev],
                       check=True, timeout=120)
        stack.callback(subprocess.run, ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                       check=False, timeout=120)
        shutil.copytree(DATA / f"pageup-{LOAD_SIZE}", data)
        ports = {"this": free_port(), args.rev: free_port()}
        envs = {"this": hireport_env(DATA / f"pageup-{LOAD_SIZE}"),
                args.rev: {**hireport_env(data), "PYTHONPATH": str(tree / "src")}}
        for side, port in ports.items():
            stack.enter_context(serving(serve_command(port), envs[side], port))
        targets = paths(int(manifest["sample_job_id"]))
        for name, path in targets.items():
            bodies = {body(port, path, token(port, manifest)) for port in ports.values()}
            print(f"{TARGETS[name]}: {'the same bytes from both' if len(bodies) == 1 else 'ANSWERS DIFFER'}")
        rps: dict[str, dict[str, list[float]]] = {name: {side: [] for side in ports} for name in TARGETS}
        for round_ in range(rounds):
            order = list(ports) if round_ % 2 == 0 else list(reversed(ports))
            for name, path in targets.items():
                for side in order:
                    port = ports[side]
                    access_token = token(port, manifest)
                    for _ in range(3):
                        get_json(port, path, access_token)  # answers 200, warmed up
                    result = load(TARGETS[name], f"http://{HOST}:{port}{path}",
                                  headers={"Authorization": f"Bearer {access_token}"},
                                  seconds=args.seconds, connections=args.connections)
                    if result.errors:
                        raise SystemExit(f"{side}: {result.errors} errors on {path}")
                    rps[name][side].append(result.rps)
    print(f"\nthis checkout against {args.rev}, {rounds} rounds of {args.seconds:.0f} s per side, "
          f"{args.connections} connections, at {LOAD_SIZE:,} applications\n")
    for name, sides in rps.items():
        ratios = [a / b for a, b in zip(sides["this"], sides[args.rev], strict=True)]
        rounds_text = ", ".join(f"{a:,.0f}/{b:,.0f}" for a, b in zip(sides["this"], sides[args.rev], strict=True))
        print(f"{TARGETS[name]:36} req/s this/{args.rev}: {rounds_text}; "
              f"ratio median {statistics.median(ratios):.2f}x (range {min(ratios):.2f}-{max(ratios):.2f})")


def body(port: int, path: str, access_token: str) -> bytes:
    request = urllib.request.Request(f"http://{HOST}:{port}{path}", headers={"Authorization": f"Bearer {access_token}"})
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (loopback, fixed scheme)
        return bytes(response.read())


if __name__ == "__main__":
    main()
