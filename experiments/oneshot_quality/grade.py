#!/usr/bin/env python3
"""Grades the runs of experiments/oneshot_quality/run.sh against NAS-Bench-201's truth.

For every finished run (RUNS/seed-<s>/<strategy>-<device>/arch.json) it looks the found arch up
in the repository's tables: its CIFAR-10 test accuracy (200 epochs, data/nas-bench-201) and its
latency on the target device (data/hw-nas-bench), its gap to the best arch within the limit and
its percentile among those archs. The searches never read the accuracy table; this script is
the only place the truth enters.

Writes OUT/results.csv (one row per run), OUT/results.md (the tables per device and the goals)
and OUT/quality.png (gnuplot: accuracy vs latency of the whole space per device, the limit and
every found arch).

  python3 experiments/oneshot_quality/grade.py --runs runs/oneshot_quality --out runs/oneshot_quality
"""
import argparse
import csv
import json
import os
import re
import shutil
import statistics
import subprocess
import sys

DEVICES = ["raspi4", "pixel3", "eyeriss", "fpga"]
STRATEGIES = ["proxylessnas", "fbnet_dnas", "evolution_supernet", "evolution_tabular_100",
              "evolution_tabular_1000"]
ONE_SHOT = ["proxylessnas", "fbnet_dnas", "evolution_supernet"]
RUN_NAME = re.compile(r"^(%s)-(%s)$" % ("|".join(STRATEGIES), "|".join(DEVICES)))
LIMIT_LINE = re.compile(r"^\s*(?:target|limit):\s*([0-9.eE+-]+)\s*$")


def fail(message):
    print("grade.py: " + message, file=sys.stderr)
    sys.exit(2)


def load_tables(data_dir):
    costs_path = os.path.join(data_dir, "hw-nas-bench", "nb201_cifar10.csv")
    accuracy_path = os.path.join(data_dir, "nas-bench-201", "nb201_accuracy.csv")
    latency = {d: {} for d in DEVICES}
    accuracy = {}
    try:
        with open(costs_path, newline="") as f:
            for row in csv.DictReader(f):
                for d in DEVICES:
                    latency[d][int(row["index"])] = float(row[d + "_latency"])
        with open(accuracy_path, newline="") as f:
            for row in csv.DictReader(f):
                accuracy[int(row["index"])] = float(row["cifar10_test"])
    except (OSError, KeyError, ValueError) as e:
        fail("cannot read the NAS-Bench-201 tables in %s: %s" % (data_dir, e))
    if len(accuracy) != 15625 or any(len(v) != 15625 for v in latency.values()):
        fail("%s: expected 15625 archs in both NAS-Bench-201 tables" % data_dir)
    return latency, accuracy


def run_limit(run_dir, arch):
    """The latency limit the run searched under: arch.json's target, or the resolved config's."""
    if "target" in arch:
        return float(arch["target"])
    path = os.path.join(run_dir, "config.resolved.yaml")
    with open(path) as f:
        for line in f:
            m = LIMIT_LINE.match(line)
            if m:
                return float(m.group(1))
    fail("%s: no objective.limit or cost.target" % path)


def finished_runs(runs_dir):
    """(seed, strategy, device, run folder, arch.json) of every finished run, in a stable order."""
    found = []
    for seed_dir in sorted(os.listdir(runs_dir)):
        m = re.match(r"^seed-(\d+)$", seed_dir)
        if not m:
            continue
        seed = int(m.group(1))
        for name in sorted(os.listdir(os.path.join(runs_dir, seed_dir))):
            n = RUN_NAME.match(name)
            run = os.path.join(runs_dir, seed_dir, name)
            if not n or not os.path.isdir(run):
                continue
            strategy, device = n.group(1), n.group(2)
            sampling = strategy.startswith("evolution")
            done = os.path.join(run, "summary.txt" if sampling else "arch.json")
            if not os.path.exists(done):
                continue
            with open(os.path.join(run, "arch.json")) as f:
                found.append((seed, strategy, device, run, json.load(f)))
    return found


class FeasibleSet:
    """The archs within one device's limit and their true accuracies."""

    def __init__(self, latency, accuracy, limit):
        self.limit = limit
        self.accuracies = sorted(accuracy[i] for i, v in latency.items() if v <= limit)
        if not self.accuracies:
            fail("no arch meets the limit %g ms" % limit)
        n = len(self.accuracies)
        self.best = self.accuracies[-1]
        self.median = statistics.median(self.accuracies)
        self.p90 = self.accuracies[min(n - 1, int(0.9 * n))]

    def percentile(self, value):
        """Share of the feasible archs (%) whose accuracy the value reaches."""
        reached = sum(1 for a in self.accuracies if a <= value)
        return 100.0 * reached / len(self.accuracies)


def grade(runs, latency, accuracy):
    rows, feasible = [], {}
    for seed, strategy, device, run, arch in runs:
        index = int(arch["index"])
        limit = run_limit(run, arch)
        key = (device, limit)
        if key not in feasible:
            feasible[key] = FeasibleSet(latency[device], accuracy, limit)
        f = feasible[key]
        acc, lat = accuracy[index], latency[device][index]
        rows.append({
            "device": device + "_latency", "strategy": strategy, "seed": seed,
            "limit_ms": limit, "arch_index": index, "accuracy": acc, "latency_ms": lat,
            "arch": arch.get("arch_str", ""), "gap_to_best": f.best - acc,
            "percentile": f.percentile(acc), "violation": int(lat > limit),
            "below_median": int(acc < f.median), "feasible_archs": len(f.accuracies),
            "best_feasible": f.best, "median_feasible": f.median, "p90_feasible": f.p90,
            "run": run,
        })
    return rows


def write_csv(rows, path):
    columns = ["device", "strategy", "seed", "limit_ms", "arch_index", "accuracy", "latency_ms",
               "gap_to_best", "percentile", "violation", "below_median", "feasible_archs",
               "best_feasible", "median_feasible", "p90_feasible", "arch", "run"]
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(columns)
        for r in rows:
            w.writerow([("%.10g" % r[c]) if isinstance(r[c], float) else r[c] for c in columns])


def ranking_lines(runs_dir):
    """Each seed's warm-up ranking (hwnas_evaluate's ranking.md rows), when run.sh measured it."""
    lines = []
    for seed_dir in sorted(os.listdir(runs_dir)):
        path = os.path.join(runs_dir, seed_dir, "warmup", "ranking", "ranking.md")
        if not re.match(r"^seed-\d+$", seed_dir) or not os.path.exists(path):
            continue
        with open(path) as f:
            for line in f:
                if line.startswith("| random sample") or line.startswith("| top "):
                    lines.append("| %s " % seed_dir + line.strip())
    if not lines:
        return []
    return ["## The shared warm-ups' ranking of random archs (before any search)", "",
            "| warm-up | archs | n | Kendall tau-b | Spearman |", "|---|---|---|---|---|"] + lines + [""]


def write_markdown(rows, runs_dir, path):
    lines = ["# One-shot search quality on NAS-Bench-201 (CIFAR-10 test accuracy, 200 epochs)", ""]
    lines += ranking_lines(runs_dir)
    goals = []
    for device in DEVICES:
        mine = [r for r in rows if r["device"] == device + "_latency"]
        if not mine:
            continue
        r0 = mine[0]
        lines += ["## %s_latency <= %.7g ms" % (device, r0["limit_ms"]), "",
                  "%d archs meet the limit: best %.2f %%, 90th percentile %.2f %%, median %.2f %% "
                  "(what a random feasible arch gets)." % (r0["feasible_archs"], r0["best_feasible"],
                                                          r0["p90_feasible"], r0["median_feasible"]), "",
                  "| strategy | seed | index | arch | accuracy (%) | latency (ms) | gap to best | "
                  "percentile | violation |", "|---|---|---|---|---|---|---|---|---|"]
        for r in sorted(mine, key=lambda r: (STRATEGIES.index(r["strategy"]), r["seed"])):
            lines.append("| %s | %d | %d | `%s` | %.2f | %.4g | %.2f | %.1f | %s |" % (
                r["strategy"], r["seed"], r["arch_index"], r["arch"].replace("|", "\\|"), r["accuracy"],
                r["latency_ms"],
                r["gap_to_best"], r["percentile"], "yes" if r["violation"] else "no"))
        lines += ["", "| strategy | runs | mean accuracy (%) | min | mean percentile | >= 90th pct | "
                  "within 1.0 of best |", "|---|---|---|---|---|---|---|"]
        for s in STRATEGIES:
            runs = [r for r in mine if r["strategy"] == s]
            if not runs:
                continue
            mean = statistics.mean(r["accuracy"] for r in runs)
            lines.append("| %s | %d | %.2f | %.2f | %.1f | %s | %s |" % (
                s, len(runs), mean, min(r["accuracy"] for r in runs),
                statistics.mean(r["percentile"] for r in runs),
                "yes" if mean >= r0["p90_feasible"] else "no",
                "yes" if r0["best_feasible"] - mean <= 1.0 else "no"))
            if s in ONE_SHOT:
                goals.append((device, s, mean >= r0["p90_feasible"]))
        lines.append("")
    one_shot = [r for r in rows if r["strategy"] in ONE_SHOT]
    lines += ["## Goals", "",
              "- violations: %d of %d runs" % (sum(r["violation"] for r in rows), len(rows)),
              "- collapse (a one-shot arch below the feasible median): %d of %d one-shot runs" % (
                  sum(r["below_median"] for r in one_shot), len(one_shot)),
              "- one-shot mean >= the feasible 90th percentile: %d of %d (device, strategy) cells%s" % (
                  sum(1 for g in goals if g[2]), len(goals),
                  "" if all(g[2] for g in goals) else "; missed: " + ", ".join(
                      "%s %s" % (d, s) for d, s, ok in goals if not ok)), ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def write_plot(rows, latency, accuracy, out_dir):
    if shutil.which("gnuplot") is None:
        print("grade.py: gnuplot not found; no quality.png", file=sys.stderr)
        return
    plot_dir = os.path.join(out_dir, "plot")
    os.makedirs(plot_dir, exist_ok=True)
    devices = [d for d in DEVICES if any(r["device"] == d + "_latency" for r in rows)]
    strategies = [s for s in STRATEGIES if any(r["strategy"] == s for r in rows)]
    # noenhanced: metric names keep their underscores.
    script = ["set terminal pngcairo noenhanced size 1400,%d font ',10'" % (500 * ((len(devices) + 1) // 2)),
              "set output '%s'" % os.path.join(out_dir, "quality.png"),
              "set datafile separator ','",
              "set multiplot layout %d,2 title 'NAS-Bench-201 CIFAR-10: found archs vs the whole space'"
              % ((len(devices) + 1) // 2)]
    for d in devices:
        space = os.path.join(plot_dir, "space_%s.csv" % d)
        with open(space, "w") as f:
            for i in range(15625):
                f.write("%g,%g\n" % (latency[d][i], accuracy[i]))
        limit = next(r["limit_ms"] for r in rows if r["device"] == d + "_latency")
        plots = ["'%s' using 1:2 with dots lc rgb '#bbbbbb' title 'all 15,625 archs'" % space]
        for k, s in enumerate(strategies):
            points = os.path.join(plot_dir, "found_%s_%s.csv" % (d, s))
            with open(points, "w") as f:
                for r in rows:
                    if r["device"] == d + "_latency" and r["strategy"] == s:
                        f.write("%g,%g\n" % (r["latency_ms"], r["accuracy"]))
            plots.append("'%s' using 1:2 with points pt %d ps 1.6 lw 2 title '%s'" % (points, k + 4, s))
        # The space's poor archs (down to 10 %) would squeeze the interesting band: from 80 %, or
        # lower when a found arch is.
        lowest = min([80.0] + [r["accuracy"] - 2 for r in rows if r["device"] == d + "_latency"])
        script += ["set title '%s_latency <= %.7g ms'" % (d, limit),
                   "set xlabel '%s_latency (ms)'" % d, "set ylabel 'CIFAR-10 test accuracy (%)'",
                   "set yrange [%g:95]" % lowest, "set key bottom right",
                   "unset arrow", "set arrow from %g, graph 0 to %g, graph 1 nohead dt 2 lc rgb 'red'"
                   % (limit, limit),
                   "plot " + ", ".join(plots)]
    script.append("unset multiplot")
    gp = os.path.join(plot_dir, "quality.gp")
    with open(gp, "w") as f:
        f.write("\n".join(script) + "\n")
    subprocess.run(["gnuplot", gp], check=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", required=True, help="run.sh's output folder")
    p.add_argument("--data", default="data", help="the repository's tables folder")
    p.add_argument("--out", required=True, help="where results.csv/.md and quality.png go")
    a = p.parse_args()
    if not os.path.isdir(a.runs):
        fail("--runs %s: not a folder" % a.runs)
    latency, accuracy = load_tables(a.data)
    rows = grade(finished_runs(a.runs), latency, accuracy)
    if not rows:
        fail("%s: no finished run (seed-<s>/<strategy>-<device>/arch.json)" % a.runs)
    os.makedirs(a.out, exist_ok=True)
    write_csv(rows, os.path.join(a.out, "results.csv"))
    write_markdown(rows, a.runs, os.path.join(a.out, "results.md"))
    write_plot(rows, latency, accuracy, a.out)
    print("graded %d runs -> %s/results.csv, results.md, quality.png" % (len(rows), a.out))


if __name__ == "__main__":
    main()
