#!/usr/bin/python3
"""hwnas_query's start-up and --batch against one process per arch (issue 14, shell users).

1. Start-up: one FBNet and one NB201 query (--json) with two builds, BEFORE and AFTER, run
   interleaved (A B B A per round, a fresh random arch each round) so that the load of a shared
   machine falls on both sides alike; prints the medians and BEFORE / AFTER.
2. --batch: AFTER over N random FBNet archs in one process (per arch: its wall time / N) against
   one AFTER process per arch over the first P of them (per arch: the median); the P single
   answers are checked against the batch's lines.

  tests/benchmarks/query_startup.py [--before /work/main/build/search/hwnas_query]
      [--after build/search/hwnas_query] [--rounds 15] [--archs 10000] [--processes 200]
Only the standard library; the figures go into README's Figures table.
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time


def wall(command, stdin=None):
    """Seconds one command takes, its output discarded; exit status 0 required."""
    start = time.perf_counter()
    subprocess.run(command, stdin=stdin, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def random_fbnet(rng):
    return ",".join(str(rng.randrange(9)) for _ in range(22))


def startup(before, after, rounds, rng):
    rows = []
    for space in ("fbnet", "nb201"):
        times = {before: [], after: []}
        for _ in range(rounds):
            arch = random_fbnet(rng) if space == "fbnet" else str(rng.randrange(15625))
            for binary in (before, after, after, before):  # A B B A
                times[binary].append(wall([binary, "--space", space, "--arch", arch, "--json"]))
        b, a = statistics.median(times[before]), statistics.median(times[after])
        rows.append((space, b, a))
        print(f"start-up {space:5s}  before {b * 1e3:7.1f} ms  after {a * 1e3:7.1f} ms  "
              f"before/after {b / a:5.2f}x   ({2 * rounds} runs a side)", flush=True)
    return rows


def batch_vs_processes(after, archs, processes, rounds, rng):
    lines = [random_fbnet(rng) for _ in range(archs)]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(lines) + "\n")
        path = f.name
    try:
        batch = [wall([after, "--batch", path]) for _ in range(rounds)]
        csv = [wall([after, "--batch", path, "--format", "csv"]) for _ in range(rounds)]
        single = [wall([after, "--arch", arch, "--json"]) for arch in lines[:processes]]
        answers = subprocess.run([after, "--batch", path], stdout=subprocess.PIPE, check=True,
                                 text=True).stdout.splitlines()
        for arch, answer in zip(lines[:processes], answers):
            one = subprocess.run([after, "--arch", arch, "--json"], stdout=subprocess.PIPE,
                                 check=True, text=True).stdout
            if json.loads(one) != json.loads(answer):
                sys.exit(f"query_startup.py: --batch differs from --arch {arch}")
    finally:
        os.unlink(path)
    per_batch = statistics.median(batch) / archs
    per_csv = statistics.median(csv) / archs
    per_process = statistics.median(single)
    print(f"--batch {archs} fbnet archs (json)  {statistics.median(batch):.3f} s  "
          f"= {per_batch * 1e6:.1f} us/arch  (median of {rounds})")
    print(f"--batch {archs} fbnet archs (csv)   {statistics.median(csv):.3f} s  "
          f"= {per_csv * 1e6:.1f} us/arch")
    print(f"one process per arch ({processes})     {per_process * 1e3:.1f} ms/arch  "
          f"-> --batch is {per_process / per_batch:.0f}x cheaper per arch "
          f"(answers of the {processes} checked equal)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="/work/main/build/search/hwnas_query")
    parser.add_argument("--after", default="build/search/hwnas_query")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--archs", type=int, default=10000)
    parser.add_argument("--processes", type=int, default=200)
    args = parser.parse_args()
    for binary in (args.before, args.after):
        if not os.access(binary, os.X_OK):
            sys.exit(f"query_startup.py: {binary} is not an executable hwnas_query")
    rng = random.Random(14)
    startup(args.before, args.after, args.rounds, rng)
    batch_vs_processes(args.after, args.archs, args.processes, rounds=3, rng=rng)


if __name__ == "__main__":
    main()
