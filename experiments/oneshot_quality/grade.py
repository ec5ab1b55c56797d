#!/usr/bin/env python3
"""Grades the runs of experiments/oneshot_quality/run.sh against NAS-Bench-201's truth.

For every finished run (RUNS/seed-<s>/<strategy>-<device>/arch.json) it looks the found arch up
in the repository's tables: its CIFAR-10 test accuracy (200 epochs, data/nas-bench-201) and its
latency on the target device (data/hw-nas-bench), its gap to the best arch within the limit and
its percentile among those archs. The searches never read the accuracy table; this script is
the only place the truth enters.

It also grades the zero-cost searches (evolution_<proxy>, local_<proxy>, evolution_combo and
local_combo: regularized evolution or local search scored by a training-free proxy or a rank
combination of proxies) and adds two baselines per device: largest_params, the feasible arch with
the most parameters (from --params, a score CSV index,arch,params,...), and
random100_expected_best, the expected best of 100 uniform random feasible archs. The baselines
are written when a zero-cost run is graded or --params is given.

Writes OUT/results.csv (one row per run, then the baseline rows), OUT/results.md (the tables per
device and the goals) and OUT/quality.png (gnuplot: accuracy vs latency of the whole space per
device, the limit and every found arch).

  python3 experiments/oneshot_quality/grade.py --runs runs/oneshot_quality --out runs/oneshot_quality
  python3 experiments/oneshot_quality/grade.py --runs runs/oneshot_quality --out runs/oneshot_quality \
      --params runs/zero_cost/scores.csv
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
# The zero-cost searches: evolution or local search scored by one training-free proxy, or by the
# rank combination of several ("combo").
PROXIES = ["params", "flops", "grad_norm", "snip", "synflow", "jacov", "naswot", "zico"]
ZERO_COST_SEARCHES = ["evolution", "local"]
ZERO_COST_SCORES = PROXIES + ["combo"]
ZERO_COST = re.compile(r"^(%s)_(%s)$" % ("|".join(ZERO_COST_SEARCHES), "|".join(ZERO_COST_SCORES)))
RUN_NAME = re.compile(r"^(%s|(?:%s)_(?:%s))-(%s)$" % (
    "|".join(STRATEGIES), "|".join(ZERO_COST_SEARCHES), "|".join(ZERO_COST_SCORES),
    "|".join(DEVICES)))
# Rows per device that are no search: the feasible arch with the most parameters, and the
# expected best of RANDOM_DRAWS uniform draws from the feasible set.
BASELINES = ["largest_params", "random100_expected_best"]
RANDOM_DRAWS = 100
LIMIT_LINE = re.compile(r"^\s*(?:target|limit):\s*([0-9.eE+-]+)\s*$")


def fail(message):
    print("grade.py: " + message, file=sys.stderr)
    sys.exit(2)


def is_zero_cost(strategy):
    return ZERO_COST.match(strategy) is not None


def strategy_order(strategy):
    """Table order: the one-shot strategies and references, the zero-cost ones, the baselines."""
    if strategy in STRATEGIES:
        return (0, STRATEGIES.index(strategy), 0)
    m = ZERO_COST.match(strategy)
    if m:
        return (1, ZERO_COST_SCORES.index(m.group(2)), ZERO_COST_SEARCHES.index(m.group(1)))
    return (2, BASELINES.index(strategy), 0)


def load_tables(data_dir):
    costs_path = os.path.join(data_dir, "hw-nas-bench", "nb201_cifar10.csv")
    accuracy_path = os.path.join(data_dir, "nas-bench-201", "nb201_accuracy.csv")
    latency = {d: {} for d in DEVICES}
    accuracy, arch_str = {}, {}
    try:
        with open(costs_path, newline="") as f:
            for row in csv.DictReader(f):
                for d in DEVICES:
                    latency[d][int(row["index"])] = float(row[d + "_latency"])
        with open(accuracy_path, newline="") as f:
            for row in csv.DictReader(f):
                accuracy[int(row["index"])] = float(row["cifar10_test"])
                arch_str[int(row["index"])] = row["arch"]
    except (OSError, KeyError, ValueError) as e:
        fail("cannot read the NAS-Bench-201 tables in %s: %s" % (data_dir, e))
    if len(accuracy) != 15625 or any(len(v) != 15625 for v in latency.values()):
        fail("%s: expected 15625 archs in both NAS-Bench-201 tables" % data_dir)
    return latency, accuracy, arch_str


def load_params(path, arch_str):
    """{index: parameter count} from a score CSV (index,arch,params,...; an empty cell = unknown)."""
    params = {}
    try:
        with open(path, newline="") as f:
            reader = csv.DictReader(f)
            if not reader.fieldnames or reader.fieldnames[:2] != ["index", "arch"] \
                    or "params" not in reader.fieldnames:
                fail("--params %s: expected the header index,arch,...,params,..." % path)
            for line, row in enumerate(reader, start=2):
                where = "--params %s line %d" % (path, line)
                try:
                    index = int(row["index"])
                    value = float(row["params"]) if (row["params"] or "").strip() else None
                except (TypeError, ValueError):
                    fail("%s: expected an integer index and a numeric params" % where)
                # The arch string guards against scores written under shifted indices.
                if arch_str.get(index) != (row["arch"] or "").strip():
                    fail("%s: arch '%s' is not NB201 index %d's" % (where, row["arch"], index))
                if value is not None and value == value:   # not nan
                    params[index] = value
    except OSError as e:
        fail("--params %s: %s" % (path, e))
    if not params:
        fail("--params %s: no params value" % path)
    return params


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
            # The sampling searches (evolution, local search) write summary.txt when done.
            sampling = strategy.startswith(("evolution", "local"))
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
        self.indices = sorted(i for i, v in latency.items() if v <= limit)
        self.accuracies = sorted(accuracy[i] for i in self.indices)
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

    def expected_best(self, draws):
        """E[max] of `draws` uniform draws with replacement, exactly: with a_(i) ascending,
        P(max = a_(i)) = (i/n)^draws - ((i-1)/n)^draws (ties need no care: their terms add up)."""
        n = len(self.accuracies)
        return sum(a * ((i / n) ** draws - ((i - 1) / n) ** draws)
                   for i, a in enumerate(self.accuracies, start=1))


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
    return rows, feasible


def baseline_row(device, f, strategy, value, index=None, lat=None, arch=""):
    """A row of results.csv that is no search: seed, run (and, for random draws, arch) empty."""
    return {
        "device": device + "_latency", "strategy": strategy, "seed": None, "limit_ms": f.limit,
        "arch_index": index, "accuracy": value, "latency_ms": lat, "arch": arch,
        "gap_to_best": f.best - value, "percentile": f.percentile(value),
        "violation": None if lat is None else int(lat > f.limit),
        "below_median": int(value < f.median), "feasible_archs": len(f.accuracies),
        "best_feasible": f.best, "median_feasible": f.median, "p90_feasible": f.p90, "run": "",
    }


def baselines(feasible, latency, accuracy, arch_str, params):
    """The baseline rows of every (device, limit) graded; largest_params only with params."""
    rows = []
    for device, limit in sorted(feasible, key=lambda k: (DEVICES.index(k[0]), k[1])):
        f = feasible[(device, limit)]
        if params is not None:
            known = [i for i in f.indices if i in params]
            if len(known) < len(f.indices):
                print("grade.py: note: --params knows %d of the %d archs within %s_latency <= %.7g; "
                      "largest_params is the largest of those" % (len(known), len(f.indices), device,
                                                                 limit), file=sys.stderr)
            if known:
                # The most parameters; equal counts go to the lower index.
                i = min(known, key=lambda i: (-params[i], i))
                rows.append(baseline_row(device, f, "largest_params", accuracy[i], i,
                                         latency[device][i], arch_str[i]))
        rows.append(baseline_row(device, f, "random100_expected_best", f.expected_best(RANDOM_DRAWS)))
    return rows


def write_csv(rows, path):
    columns = ["device", "strategy", "seed", "limit_ms", "arch_index", "accuracy", "latency_ms",
               "gap_to_best", "percentile", "violation", "below_median", "feasible_archs",
               "best_feasible", "median_feasible", "p90_feasible", "arch", "run"]
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(columns)
        for r in rows:
            w.writerow([("%.10g" % r[c]) if isinstance(r[c], float) else "" if r[c] is None else r[c]
                        for c in columns])


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


def shown(value, form):
    return "-" if value is None else form % value


def run_line(r):
    """A row of a device's table of archs: a run, or a baseline (whose missing cells show -)."""
    return "| %s | %s | %s | %s | %.2f | %s | %.2f | %.1f | %s |" % (
        r["strategy"], shown(r["seed"], "%d"), shown(r["arch_index"], "%d"),
        "`%s`" % r["arch"].replace("|", "\\|") if r["arch"] else "-", r["accuracy"],
        shown(r["latency_ms"], "%.4g"), r["gap_to_best"], r["percentile"],
        "-" if r["violation"] is None else "yes" if r["violation"] else "no")


def device_name(metric):
    return metric[:-len("_latency")]


def zero_cost_goals(rows, base_rows):
    """The goal lines of the zero-cost searches; none when no zero-cost run was graded."""
    cells = {}
    for r in rows:
        if is_zero_cost(r["strategy"]):
            cells.setdefault((r["device"], r["strategy"]), []).append(r)
    if not cells:
        return []
    order = sorted(cells, key=lambda k: (DEVICES.index(device_name(k[0])), strategy_order(k[1])))
    mean = {k: statistics.mean(r["accuracy"] for r in cells[k]) for k in order}

    def count(what, graded, missed):
        return "- %s: %d of %d (device, strategy) cells%s" % (
            what, len(graded) - len(missed), len(graded), "" if not missed else "; missed: " +
            ", ".join("%s %s" % (device_name(d), s) for d, s in missed))

    runs = [r for k in order for r in cells[k]]
    lines = [count("zero-cost mean >= the feasible 90th percentile", order,
                   [k for k in order if mean[k] < cells[k][0]["p90_feasible"]]),
             "- collapse (a zero-cost arch below the feasible median): %d of %d zero-cost runs" % (
                 sum(r["below_median"] for r in runs), len(runs))]
    largest = {r["device"]: r["accuracy"] for r in base_rows if r["strategy"] == "largest_params"}
    if largest:
        graded = [k for k in order if k[0] in largest]
        lines.append(count("zero-cost mean >= the largest-parameter feasible arch on the same device",
                           graded, [k for k in graded if mean[k] < largest[k[0]]]))
    else:
        lines.append("- zero-cost mean >= the largest-parameter feasible arch on the same device: "
                     "not graded (no --params)")
    # Each combination strategy's gap to the best feasible arch, averaged over its devices; the
    # goal holds for the best of them.
    gaps = {}
    for k in order:
        if ZERO_COST.match(k[1]).group(2) == "combo":
            gaps.setdefault(k[1], []).append(cells[k][0]["best_feasible"] - mean[k])
    if gaps:
        best = min(gaps, key=lambda s: (statistics.mean(gaps[s]), strategy_order(s)))
        gap = statistics.mean(gaps[best])
        lines.append("- best combination strategy within 1.0 of the best feasible arch on average "
                     "over the devices: %s, %.2f points below it over %d device(s): %s" % (
                         best, gap, len(gaps[best]), "reached" if gap <= 1.0 else "missed"))
    else:
        lines.append("- best combination strategy within 1.0 of the best feasible arch on average "
                     "over the devices: no combination run")
    return lines


def write_markdown(rows, base_rows, runs_dir, path):
    lines = ["# One-shot search quality on NAS-Bench-201 (CIFAR-10 test accuracy, 200 epochs)", ""]
    lines += ranking_lines(runs_dir)
    goals = []
    for device in DEVICES:
        mine = [r for r in rows if r["device"] == device + "_latency"]
        if not mine:
            continue
        bases = [r for r in base_rows if r["device"] == device + "_latency"]
        r0 = mine[0]
        lines += ["## %s_latency <= %.7g ms" % (device, r0["limit_ms"]), "",
                  "%d archs meet the limit: best %.2f %%, 90th percentile %.2f %%, median %.2f %% "
                  "(what a random feasible arch gets)." % (r0["feasible_archs"], r0["best_feasible"],
                                                          r0["p90_feasible"], r0["median_feasible"]), "",
                  "| strategy | seed | index | arch | accuracy (%) | latency (ms) | gap to best | "
                  "percentile | violation |", "|---|---|---|---|---|---|---|---|---|"]
        for r in sorted(mine, key=lambda r: (strategy_order(r["strategy"]), r["seed"])) + bases:
            lines.append(run_line(r))
        lines += ["", "| strategy | runs | mean accuracy (%) | min | mean percentile | >= 90th pct | "
                  "within 1.0 of best |", "|---|---|---|---|---|---|---|"]
        for s in sorted({r["strategy"] for r in mine}, key=strategy_order):
            runs = [r for r in mine if r["strategy"] == s]
            mean = statistics.mean(r["accuracy"] for r in runs)
            lines.append("| %s | %d | %.2f | %.2f | %.1f | %s | %s |" % (
                s, len(runs), mean, min(r["accuracy"] for r in runs),
                statistics.mean(r["percentile"] for r in runs),
                "yes" if mean >= r0["p90_feasible"] else "no",
                "yes" if r0["best_feasible"] - mean <= 1.0 else "no"))
            if s in ONE_SHOT:
                goals.append((device, s, mean >= r0["p90_feasible"]))
        for r in bases:
            lines.append("| %s (baseline) | - | %.2f | - | %.1f | %s | %s |" % (
                r["strategy"], r["accuracy"], r["percentile"],
                "yes" if r["accuracy"] >= r["p90_feasible"] else "no",
                "yes" if r["gap_to_best"] <= 1.0 else "no"))
        lines.append("")
    one_shot = [r for r in rows if r["strategy"] in ONE_SHOT]
    lines += ["## Goals", "",
              "- violations: %d of %d runs" % (sum(r["violation"] for r in rows), len(rows)),
              "- collapse (a one-shot arch below the feasible median): %d of %d one-shot runs" % (
                  sum(r["below_median"] for r in one_shot), len(one_shot)),
              "- one-shot mean >= the feasible 90th percentile: %d of %d (device, strategy) cells%s" % (
                  sum(1 for g in goals if g[2]), len(goals),
                  "" if all(g[2] for g in goals) else "; missed: " + ", ".join(
                      "%s %s" % (d, s) for d, s, ok in goals if not ok))]
    lines += zero_cost_goals(rows, base_rows) + [""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def write_plot(rows, latency, accuracy, out_dir):
    if shutil.which("gnuplot") is None:
        print("grade.py: gnuplot not found; no quality.png", file=sys.stderr)
        return
    plot_dir = os.path.join(out_dir, "plot")
    os.makedirs(plot_dir, exist_ok=True)
    devices = [d for d in DEVICES if any(r["device"] == d + "_latency" for r in rows)]
    strategies = sorted({r["strategy"] for r in rows}, key=strategy_order)
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
    p.add_argument("--params", help="a score CSV (index,arch,params,...) for the largest_params "
                   "baseline; without it that baseline is left out")
    a = p.parse_args()
    if not os.path.isdir(a.runs):
        fail("--runs %s: not a folder" % a.runs)
    latency, accuracy, arch_str = load_tables(a.data)
    params = load_params(a.params, arch_str) if a.params else None
    rows, feasible = grade(finished_runs(a.runs), latency, accuracy)
    if not rows:
        fail("%s: no finished run (seed-<s>/<strategy>-<device>/arch.json)" % a.runs)
    # The baselines are the zero-cost searches' yardsticks: written when a zero-cost run is graded
    # or --params is given, so that a grading of the one-shot runs alone stays as it was
    # (tests/search/cli/test_oneshot_quality_pipeline.cpp expects one row per run).
    base_rows = []
    if params is not None or any(is_zero_cost(r["strategy"]) for r in rows):
        if params is None:
            print("grade.py: note: no --params; no largest_params rows", file=sys.stderr)
        base_rows = baselines(feasible, latency, accuracy, arch_str, params)
    os.makedirs(a.out, exist_ok=True)
    write_csv(rows + base_rows, os.path.join(a.out, "results.csv"))
    write_markdown(rows, base_rows, a.runs, os.path.join(a.out, "results.md"))
    write_plot(rows, latency, accuracy, a.out)
    print("graded %d runs (and %d baseline rows) -> %s/results.csv, results.md, quality.png" % (
        len(rows), len(base_rows), a.out))


if __name__ == "__main__":
    main()
