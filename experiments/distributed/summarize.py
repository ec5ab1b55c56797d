#!/usr/bin/env python3
"""Tables the runs of experiments/distributed/run.sh: results.csv (one row per run) and
results.md (per workload and phase, the median images/s of 1 process x 2 threads and of
2 processes x 1 thread, their ratio, and the median gradient all-reduce per step).

    summarize.py OUT ROUNDS
"""
import csv
import re
import statistics
import sys
from pathlib import Path

TRAFFIC = re.compile(r"epoch (\d+): (\d+) gradient all-reduces, ([\d.]+) ms and ([\d.]+) MB each "
                     r"\(([\d.]+)% of the training time")


def rows_of(metrics_csv):
    with open(metrics_csv, newline="") as f:
        return list(csv.DictReader(f))


def traffic_of(log_txt):
    """{epoch: (calls, ms each, MB each, % of training time)} from a rank-0 log."""
    out = {}
    for line in Path(log_txt).read_text().splitlines():
        m = TRAFFIC.search(line)
        if m:
            out[int(m[1])] = (int(m[2]), float(m[3]), float(m[4]), float(m[5]))
    return out


def collect(out, rounds):
    runs = []
    for workload in ("search", "retrain"):
        for case in ("1x2", "2x1"):
            for round_ in range(1, rounds + 1):
                run = out / f"{workload}-{case}-{round_}"
                if not (run / "metrics.csv").exists():
                    continue
                traffic = traffic_of(run / "log.txt")
                for row in rows_of(run / "metrics.csv"):
                    epoch = int(row["epoch"])
                    phase = row.get("phase", "train")
                    calls, ms, mb, share = traffic.get(epoch, (0, float("nan"), float("nan"), float("nan")))
                    runs.append({"workload": workload, "phase": phase, "case": case, "round": round_,
                                 "epoch": epoch, "images_per_s": float(row["images_per_s"]),
                                 "allreduce_calls": calls, "allreduce_ms": ms, "allreduce_mb": mb,
                                 "allreduce_share_pct": share})
    return runs


def main():
    out, rounds = Path(sys.argv[1]), int(sys.argv[2])
    runs = collect(out, rounds)
    with open(out / "results.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(runs[0].keys()) if runs else ["workload"])
        writer.writeheader()
        writer.writerows(runs)
    lines = ["| workload | phase | 1 process x 2 threads (images/s) | 2 processes x 1 thread (images/s) "
             "| ratio 2x1 / 1x2 (median of the rounds' ratios) | all-reduce per call (ms) | gradient per call (MB) | share of training time |",
             "|---|---|---|---|---|---|---|---|"]
    keys = sorted({(r["workload"], r["phase"]) for r in runs}, key=lambda k: (k[0] != "search", k[1] != "warmup"))
    for workload, phase in keys:
        def pick(case, field):
            return [r[field] for r in runs
                    if r["workload"] == workload and r["phase"] == phase and r["case"] == case]
        one, two = pick("1x2", "images_per_s"), pick("2x1", "images_per_s")
        if not one or not two:
            continue
        ms, mb, share = pick("2x1", "allreduce_ms"), pick("2x1", "allreduce_mb"), pick("2x1", "allreduce_share_pct")
        a, b = statistics.median(one), statistics.median(two)
        # Each round's two sides ran back to back: their ratio cancels the load of that moment.
        by_round = {case: dict(zip(pick(case, "round"), pick(case, "images_per_s"))) for case in ("1x2", "2x1")}
        ratios = [by_round["2x1"][r] / by_round["1x2"][r] for r in by_round["1x2"] if r in by_round["2x1"]]
        ratio = f"{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})" if ratios else "-"
        lines.append(f"| {workload} | {phase} | {a:.1f} (n={len(one)}) | {b:.1f} (n={len(two)}) | {ratio} "
                     f"| {statistics.median(ms):.1f} | {statistics.median(mb):.3f} | {statistics.median(share):.1f}% |")
    (out / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
