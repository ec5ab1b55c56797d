#!/usr/bin/env python3
"""Correlates zero-cost proxy scores with NAS-Bench-201's true CIFAR-10 test accuracy.

Reads one or more score CSVs (index,arch,<proxy>,...: the NB201 index and arch string, then one
float score per proxy, higher = predicted better, an empty cell = unknown) and merges them by
index. For every proxy column it computes Kendall tau-b and Spearman rho against the 200-epoch
CIFAR-10 test accuracy over the archs where both are known: over all scored archs, inside each
device's feasible set (the NB201 25th-percentile latency limits of experiments/oneshot_quality)
and, overall, among the true top 50 of the scored archs. Every pair and triple of proxies is also
scored as a rank combination (the mean of the members' average ranks).

With --unscored-lowest, an empty or nan cell (the proxy could not score that arch: in NB201 the
degenerate archs whose output node only receives `none`) is not left out but ranks below every
arch the proxy scored, those cells tied among themselves, as hwnas's zero_cost evaluator does in
a search; in a combination, such a cell ranks lowest for that member. An arch that a score file
has no row for at all is still unknown for that file's columns.

Writes OUT/correlations.csv (members,subset,n,kendall,spearman,kendall_top50) and
OUT/correlations.md (the overall table with the published values, a table per device), and
prints the overall table.

  python3 experiments/zero_cost/correlate.py --scores runs/zero_cost/scores.csv --data data --out runs/zero_cost
  python3 experiments/zero_cost/correlate.py --scores a.csv --scores b.csv --data data --out DIR
  python3 experiments/zero_cost/correlate.py --unscored-lowest --scores runs/zero_cost/scores.csv --data data --out DIR
  python3 experiments/zero_cost/correlate.py --self-test
"""
import argparse
import csv
import itertools
import math
import os
import sys

try:
    import numpy as np
except ImportError:
    print("correlate.py: numpy is required (Debian: /usr/bin/python3 with python3-numpy)",
          file=sys.stderr)
    sys.exit(2)

SPACE_SIZE = 15625
PROXIES = ["params", "flops", "grad_norm", "snip", "synflow", "jacov", "naswot", "zico"]
# The NB201 25th-percentile latency limits (ms) of experiments/oneshot_quality.
DEVICE_LIMITS = [("raspi4", 15.72283), ("pixel3", 6.44113), ("eyeriss", 4.62867),
                 ("fpga", 2.90577)]
SUBSETS = ["all"] + [d for d, _ in DEVICE_LIMITS]
# Spearman rho on CIFAR-10 of NAS-Bench-Suite-Zero (1,000 random NB201 archs); ZiCo's from its
# paper, which also gives Kendall tau.
PUBLISHED_SPEARMAN = {"naswot": 0.77, "jacov": 0.75, "synflow": 0.73, "params": 0.72,
                      "flops": 0.69, "grad_norm": 0.58, "snip": 0.58, "zico": 0.80}
PUBLISHED_KENDALL = {"zico": 0.61}
FLAG_MARGIN = 0.05   # "more than 0.05 below" the published rho
TOP = 50             # the top-k by true accuracy for kendall_top50
COMBOS_SHOWN = 10    # combinations in the markdown (the CSV has all of them)
CSV_COLUMNS = ["member(s)", "subset", "n", "kendall", "spearman", "kendall_top50"]


def fail(message):
    print("correlate.py: " + message, file=sys.stderr)
    sys.exit(2)


# ---------------------------------------------------------------------------------------------
# Rank statistics (exactly scipy.stats.kendalltau variant "b" and spearmanr, without scipy)

def average_ranks(values):
    """1-based ranks, ties sharing the mean of their positions (scipy.stats.rankdata 'average')."""
    v = np.asarray(values, dtype=float)
    order = np.argsort(v, kind="mergesort")
    s = v[order]
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])   # first position of each tie group
    ends = np.r_[starts[1:], len(s)]                          # one past its last position
    group = np.cumsum(np.r_[True, s[1:] != s[:-1]]) - 1
    ranks = np.empty(len(v))
    ranks[order] = ((starts + 1 + ends) / 2.0)[group]         # mean of positions starts+1..ends
    return ranks


def count_inversions(codes):
    """Pairs i < j with codes[i] > codes[j], for non-negative integer codes, in O(n log^2 n).

    Two different codes first differ at some bit b, below an equal prefix (code >> (b + 1)); the
    larger one has bit b set. So the inversions are, summed over the bits, the pairs within the
    same prefix where an earlier element has bit b set and a later one has it clear. A stable
    sort by prefix keeps the original order within each prefix group, where a cumulative count
    of set bits gives, for every clear-bit element, the set-bit elements before it.
    """
    y = np.asarray(codes, dtype=np.int64)
    if len(y) < 2:
        return 0
    total = 0
    for b in range(int(y.max()).bit_length()):
        order = np.argsort(y >> (b + 1), kind="stable")
        prefix, bit = (y >> (b + 1))[order], (y >> b)[order] & 1
        ones_before = np.cumsum(bit) - bit
        # ones_before never decreases, so a running maximum carries each group's start value.
        group_start = np.r_[True, prefix[1:] != prefix[:-1]]
        base = np.maximum.accumulate(np.where(group_start, ones_before, 0))
        total += int((ones_before - base)[bit == 0].sum())
    return total


def _tied_pairs(codes):
    """Pairs with equal codes (np.unique, not bincount: the joint codes of x and y are sparse)."""
    counts = np.unique(codes, return_counts=True)[1].astype(np.int64)
    return int((counts * (counts - 1) // 2).sum())


def kendall_tau_b(x, y):
    """Kendall tau-b with ties (scipy.stats.kendalltau, variant 'b'); nan when undefined.

    (concordant - discordant) / sqrt((n0 - ties in x) * (n0 - ties in y)), n0 = n (n - 1) / 2.
    Sorted by (x, y), the discordant pairs are exactly the inversions of y: within a tie of x
    the y's are ascending and so never counted.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n = len(x)
    if n < 2:
        return math.nan
    cx = np.unique(x, return_inverse=True)[1].astype(np.int64)
    cy = np.unique(y, return_inverse=True)[1].astype(np.int64)
    discordant = count_inversions(cy[np.lexsort((cy, cx))])
    total = n * (n - 1) // 2
    x_ties, y_ties = _tied_pairs(cx), _tied_pairs(cy)
    both_ties = _tied_pairs(cx * (int(cy.max()) + 1) + cy)
    if total == x_ties or total == y_ties:
        return math.nan   # a constant column
    concordant = total - x_ties - y_ties + both_ties - discordant
    return (concordant - discordant) / math.sqrt(total - x_ties) / math.sqrt(total - y_ties)


def spearman_rho(x, y):
    """Spearman rho: Pearson's r of the average ranks (scipy.stats.spearmanr); nan when undefined."""
    if len(x) < 2:
        return math.nan
    rx, ry = average_ranks(x), average_ranks(y)
    rx, ry = rx - rx.mean(), ry - ry.mean()
    denominator = math.sqrt(float((rx * rx).sum()) * float((ry * ry).sum()))
    return math.nan if denominator == 0 else float((rx * ry).sum()) / denominator


# ---------------------------------------------------------------------------------------------
# Inputs

def load_truth(data_dir):
    """Arch strings, CIFAR-10 test accuracies and the feasible mask of each device, by index."""
    accuracy_path = os.path.join(data_dir, "nas-bench-201", "nb201_accuracy.csv")
    costs_path = os.path.join(data_dir, "hw-nas-bench", "nb201_cifar10.csv")
    arch, accuracy = [None] * SPACE_SIZE, np.full(SPACE_SIZE, math.nan)
    latency = {d: np.full(SPACE_SIZE, math.nan) for d, _ in DEVICE_LIMITS}
    try:
        with open(accuracy_path, newline="") as f:
            for row in csv.DictReader(f):
                i = int(row["index"])
                arch[i], accuracy[i] = row["arch"], float(row["cifar10_test"])
        with open(costs_path, newline="") as f:
            for row in csv.DictReader(f):
                for d, _ in DEVICE_LIMITS:
                    latency[d][int(row["index"])] = float(row[d + "_latency"])
    except (OSError, KeyError, ValueError, IndexError) as e:
        fail("cannot read the NAS-Bench-201 tables in %s: %s" % (data_dir, e))
    if np.isnan(accuracy).any() or any(np.isnan(v).any() for v in latency.values()):
        fail("%s: expected all %d archs in both NAS-Bench-201 tables" % (data_dir, SPACE_SIZE))
    feasible = {"all": np.ones(SPACE_SIZE, dtype=bool)}
    for d, limit in DEVICE_LIMITS:
        feasible[d] = latency[d] <= limit
    return arch, accuracy, feasible


def parse_score(text, where):
    """A score cell: a float, or None when empty or nan (unknown). +-inf stay: they rank."""
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        fail("%s: '%s' is not a number" % (where, text))
    return None if math.isnan(value) else value


def load_scores(paths, arch):
    """Merges the score CSVs by index: (proxy columns, {index: {column: score}}, unscored).

    unscored: the (index, column) cells that a file has a row for but left empty or nan, and
    that no other file scored.
    """
    columns, scores, unscored = [], {}, set()
    for path in paths:
        try:
            with open(path, newline="") as f:
                reader = csv.reader(f)
                header = next(reader, None)
                if header is None or [h.strip() for h in header[:2]] != ["index", "arch"] \
                        or len(header) < 3:
                    fail("%s: expected the header index,arch,<proxy>,..." % path)
                names = [h.strip() for h in header[2:]]
                if len(set(names)) != len(names) or "" in names:
                    fail("%s: empty or repeated proxy column in the header" % path)
                for name in names:
                    if name not in columns:
                        columns.append(name)
                seen = set()
                for line, row in enumerate(reader, start=2):
                    if not row:
                        continue
                    where = "%s line %d" % (path, line)
                    if len(row) != len(header):
                        fail("%s: %d cells, the header has %d" % (where, len(row), len(header)))
                    try:
                        index = int(row[0])
                    except ValueError:
                        fail("%s: index '%s' is not an integer" % (where, row[0]))
                    if not 0 <= index < SPACE_SIZE:
                        fail("%s: index %d outside 0..%d" % (where, index, SPACE_SIZE - 1))
                    if index in seen:
                        fail("%s: index %d appears twice in this file" % (where, index))
                    seen.add(index)
                    # The arch string guards against scores written under shifted indices.
                    if row[1].strip() != arch[index]:
                        fail("%s: arch '%s' is not NB201 index %d's '%s'" % (
                            where, row[1].strip(), index, arch[index]))
                    merged = scores.setdefault(index, {})
                    for name, cell in zip(names, row[2:]):
                        value = parse_score(cell, "%s, column %s" % (where, name))
                        if value is None:
                            unscored.add((index, name))
                            continue
                        if name in merged and merged[name] != value:
                            fail("%s: index %d's %s is %r here but %r in an earlier file" % (
                                where, index, name, value, merged[name]))
                        merged[name] = value
        except OSError as e:
            fail("--scores %s: %s" % (path, e))
    if not scores:
        fail("no scored arch in %s" % ", ".join(paths))
    unknown = [c for c in columns if c not in PROXIES]
    if unknown:
        print("correlate.py: note: columns %s are not known proxies (%s); correlated anyway" % (
            ", ".join(unknown), ", ".join(PROXIES)), file=sys.stderr)
    # The known proxies in their usual order, then any others as first seen.
    columns = [p for p in PROXIES if p in columns] + unknown
    unscored = {(i, c) for i, c in unscored if c not in scores[i]}
    return columns, scores, unscored


# ---------------------------------------------------------------------------------------------
# Correlations

def correlate_column(score, accuracy, index, feasible):
    """One score column (nan = unknown) against the accuracy: a result dict per subset."""
    known = ~np.isnan(score)
    results = {}
    for subset in SUBSETS:
        sel = known & feasible[subset]
        results[subset] = {"n": int(sel.sum()), "kendall": kendall_tau_b(score[sel], accuracy[sel]),
                           "spearman": spearman_rho(score[sel], accuracy[sel]),
                           "kendall_top50": math.nan}
    if known.sum() >= TOP:
        # The true top 50 of the scored rows; equal accuracies at the cut go to the lower index.
        rows = np.flatnonzero(known)
        top = rows[np.lexsort((index[rows], -accuracy[rows]))[:TOP]]
        results["all"]["kendall_top50"] = kendall_tau_b(score[top], accuracy[top])
    return results


def unscored_lowest(score, unscored):
    """The score column with its unscored cells below every scored one, tied among themselves.

    Dense order codes: 1 for the lowest score (-inf included), 0 for every unscored cell, nan
    where still unknown. The rank statistics depend on the order only, so the scored cells keep
    their ranks among themselves.
    """
    score, unscored = np.asarray(score, dtype=float), np.asarray(unscored, dtype=bool)
    scored = ~np.isnan(score) & ~unscored
    coded = np.full(len(score), math.nan)
    coded[scored] = np.unique(score[scored], return_inverse=True)[1] + 1
    coded[unscored] = 0
    return coded


def combined_score(members, matrix):
    """The mean of the members' average ranks over the rows where all of them are known."""
    known = ~np.isnan(matrix[:, members]).any(axis=1)
    combined = np.full(matrix.shape[0], math.nan)
    if known.any():
        combined[known] = np.mean([average_ranks(matrix[known, m]) for m in members], axis=0)
    return combined


def correlate_all(columns, scores, accuracy_by_index, feasible_by_index, unscored=None):
    """unscored: the (index, column) cells to rank lowest (--unscored-lowest); None leaves every
    unknown cell out."""
    index = np.array(sorted(scores), dtype=np.int64)
    matrix = np.array([[scores[i].get(c, math.nan) for c in columns] for i in index], dtype=float)
    if unscored:
        for k, c in enumerate(columns):
            mask = np.array([(int(i), c) in unscored for i in index], dtype=bool)
            if mask.any():
                matrix[:, k] = unscored_lowest(matrix[:, k], mask)
    accuracy = accuracy_by_index[index]
    feasible = {s: m[index] for s, m in feasible_by_index.items()}
    singles = [(c, correlate_column(matrix[:, k], accuracy, index, feasible))
               for k, c in enumerate(columns)]
    combos = []
    for size in (2, 3):
        for members in itertools.combinations(range(len(columns)), size):
            name = "combo(%s)" % "+".join(columns[m] for m in members)
            combos.append((name, correlate_column(combined_score(list(members), matrix), accuracy,
                                                  index, feasible)))
    # The best overall Spearman first; undefined ones last.
    combos.sort(key=lambda c: -c[1]["all"]["spearman"] if not math.isnan(c[1]["all"]["spearman"])
                else math.inf)
    return len(index), singles, combos


# ---------------------------------------------------------------------------------------------
# Outputs

def cell(value, digits=4):
    return "" if math.isnan(value) else "%.*f" % (digits, value)


def shown(value, digits=3):
    return "-" if math.isnan(value) else "%.*f" % (digits, value)


def write_csv(singles, combos, path):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(CSV_COLUMNS)
        for name, results in singles + combos:
            for subset in SUBSETS:
                r = results[subset]
                w.writerow([name, subset, r["n"], cell(r["kendall"], 6), cell(r["spearman"], 6),
                            cell(r["kendall_top50"], 6)])


def overall_table(singles, combos):
    lines = ["| proxy | n | Kendall tau-b | Spearman | tau, top %d | published Spearman | "
             "measured - published | published tau | flag |" % TOP,
             "|---|---|---|---|---|---|---|---|---|"]
    for name, results in singles + combos[:COMBOS_SHOWN]:
        r = results["all"]
        published = PUBLISHED_SPEARMAN.get(name, math.nan)
        difference = r["spearman"] - published
        flag = ("more than %.2f below" % FLAG_MARGIN) if difference < -FLAG_MARGIN else ""
        lines.append("| %s | %d | %s | %s | %s | %s | %s | %s | %s |" % (
            name, r["n"], shown(r["kendall"]), shown(r["spearman"]), shown(r["kendall_top50"]),
            shown(published, 2), "-" if math.isnan(difference) else "%+.3f" % difference,
            shown(PUBLISHED_KENDALL.get(name, math.nan), 2), flag))
    return lines


def write_markdown(paths, scored, singles, combos, path, unscored_lowest=False):
    lowest = (" With `--unscored-lowest`: an arch a proxy could not score (an empty or nan cell) "
              "ranks below every arch it scored, tied with the other unscored ones, instead of "
              "being left out; in a combination it ranks lowest for that member."
              if unscored_lowest else "")
    lines = ["# Zero-cost proxies vs NAS-Bench-201's CIFAR-10 test accuracy (200 epochs)", "",
             "%d scored archs from %s.%s The published Spearman values are NAS-Bench-Suite-Zero's "
             "(1,000 random archs; ZiCo's from its paper). Combinations: the mean of the members' "
             "average ranks over the archs where all of them are known; the %d best by overall "
             "Spearman of %d (`correlations.csv` has all)." % (
                 scored, ", ".join("`%s`" % p for p in paths), lowest,
                 min(COMBOS_SHOWN, len(combos)),
                 len(combos)), "",
             "## All scored archs", ""]
    lines += overall_table(singles, combos) + [""]
    for device, limit in DEVICE_LIMITS:
        lines += ["## %s_latency <= %.7g ms (the archs within the limit)" % (device, limit), "",
                  "| proxy | n | Kendall tau-b | Spearman |", "|---|---|---|---|"]
        for name, results in singles + combos[:COMBOS_SHOWN]:
            r = results[device]
            lines.append("| %s | %d | %s | %s |" % (name, r["n"], shown(r["kendall"]),
                                                    shown(r["spearman"])))
        lines.append("")
    with open(path, "w") as f:
        f.write("\n".join(lines))


# ---------------------------------------------------------------------------------------------
# Self-test

def self_test():
    """Hand-worked examples with ties, then the fast tau-b against the O(n^2) definition."""
    failures = []

    def check(what, got, want, tolerance=1e-12):
        ok = (math.isnan(want) and math.isnan(got)) or abs(got - want) <= tolerance
        print("%s %s: %r (expected %r)" % ("ok  " if ok else "FAIL", what, got, want))
        if not ok:
            failures.append(what)

    # x = [12, 2, 1, 12, 2], y = [1, 4, 7, 1, 0] (scipy's kendalltau docstring example, -0.4714).
    # Of the 10 pairs, 2 are concordant, 6 discordant and 2 tied in x (pair (0, 3) is tied in y
    # too): ties x 2 pairs, y 1 pair. tau-b = (2 - 6) / sqrt((10 - 2) (10 - 1)).
    x1, y1 = [12, 2, 1, 12, 2], [1, 4, 7, 1, 0]
    check("kendall tau-b, ties in both", kendall_tau_b(x1, y1), -4 / math.sqrt(72))
    # Average ranks x [4.5, 2.5, 1, 4.5, 2.5], y [2.5, 4, 5, 2.5, 1]: sum of centred products
    # -5, sums of squares 9 and 9.5.
    check("spearman, ties in both", spearman_rho(x1, y1), -5 / math.sqrt(9 * 9.5))
    # x = [1..5], y = [5, 6, 7, 8, 7]: 8 concordant, 1 discordant (8 > 7), 1 tie in y.
    x2, y2 = [1, 2, 3, 4, 5], [5, 6, 7, 8, 7]
    check("kendall tau-b, a tie in y", kendall_tau_b(x2, y2), 7 / math.sqrt(10 * 9))
    # y ranks [1, 2, 3.5, 5, 3.5]: centred products 8, squares 10 and 9.5 (scipy: 0.8207826816681233).
    check("spearman, a tie in y", spearman_rho(x2, y2), 8 / math.sqrt(10 * 9.5))
    check("average ranks", float(np.abs(average_ranks([10, 20, 20, 30, 20, -1])
                                        - np.array([2, 4, 4, 6, 4, 1])).max()), 0.0)
    check("kendall, reversed", kendall_tau_b([1, 2, 3], [3, 2, 1]), -1.0)
    check("spearman, monotone", spearman_rho([1, 2, 3, 4], [10, 20, 30, 1000]), 1.0)
    check("kendall, constant column", kendall_tau_b([1, 1, 1], [1, 2, 3]), math.nan)
    check("spearman, constant column", spearman_rho([1, 2, 3], [5, 5, 5]), math.nan)
    check("kendall, infinities rank", kendall_tau_b([-math.inf, 0, math.inf], [1, 2, 3]), 1.0)
    # Combination: ranks [1, 2, 3] and [3, 1, 2] average to [2, 1.5, 2.5].
    combined = combined_score([0, 1], np.array([[1.0, 9.0], [2.0, 5.0], [3.0, 7.0], [4.0, math.nan]]))
    check("combined ranks", float(np.nansum(np.abs(combined[:3] - [2, 1.5, 2.5]))), 0.0)
    check("combined ranks, unknown row", float(combined[3]), math.nan)

    # --unscored-lowest: rows 1 and 4 unscored rank below row 3's -inf, tied: codes
    # [3, 0, 2, 1, 0], average ranks [5, 1.5, 4, 3, 1.5]; accuracy ranks [5, 1, 4, 3, 2]. Centred
    # products 9.5, squares 9.5 and 10; tau-b: 9 concordant, 0 discordant, 1 tie in x.
    coded = unscored_lowest([3.0, math.nan, 1.0, -math.inf, math.nan],
                            [False, True, False, False, True])
    check("unscored lowest, codes", float(np.abs(coded - [3, 0, 2, 1, 0]).max()), 0.0)
    toy_accuracy = np.zeros(SPACE_SIZE)
    toy_accuracy[:5] = [5, 1, 3, 2, 1.5]
    toy_feasible = {s: np.ones(SPACE_SIZE, dtype=bool) for s in SUBSETS}
    toy_scores = {0: {"a": 3.0, "b": 1.0}, 1: {"b": 2.0}, 2: {"a": 1.0, "b": 3.0},
                  3: {"a": -math.inf, "b": 4.0}, 4: {"b": 5.0}}
    for flag in (False, True):
        _, singles, combos = correlate_all(["a", "b"], toy_scores, toy_accuracy, toy_feasible,
                                           {(1, "a"), (4, "a")} if flag else None)
        a, combo = singles[0][1]["all"], combos[0][1]["all"]
        what = "unscored %s" % ("lowest" if flag else "left out")
        check(what + ", n", float(a["n"]), 5.0 if flag else 3.0)
        check(what + ", kendall", a["kendall"], 9 / math.sqrt(90) if flag else 1.0)
        check(what + ", spearman", a["spearman"], 9.5 / math.sqrt(95) if flag else 1.0)
        check(what + ", combination n", float(combo["n"]), 5.0 if flag else 3.0)
    # The combination with the flag: a's ranks [5, 1.5, 4, 3, 1.5] and b's [1, 2, 3, 4, 5] average
    # to [3, 1.75, 3.5, 3.5, 3.25], a row unscored by a still ranked by b.
    check("unscored lowest, combined ranks", float(np.abs(
        combined_score([0, 1], np.array([coded, [1, 2, 3, 4, 5]]).T)
        - [3, 1.75, 3.5, 3.5, 3.25]).max()), 0.0)

    # The definition: sum over pairs of sign(dx) sign(dy), divided as above.
    rng = np.random.default_rng(0)
    worst = 0.0
    for trial in range(200):
        n = int(rng.integers(2, 120))
        x = rng.integers(0, int(rng.integers(1, 12)), n).astype(float)
        y = rng.integers(0, int(rng.integers(1, 40)), n).astype(float)
        sx, sy = np.sign(x[:, None] - x[None, :]), np.sign(y[:, None] - y[None, :])
        s = (sx * sy).sum() / 2
        n0 = n * (n - 1) / 2
        tx, ty = (sx == 0).sum() / 2 - n / 2, (sy == 0).sum() / 2 - n / 2
        want = math.nan if tx == n0 or ty == n0 else s / math.sqrt((n0 - tx) * (n0 - ty))
        got = kendall_tau_b(x, y)
        if math.isnan(want) != math.isnan(got):
            worst = math.inf
        elif not math.isnan(want):
            worst = max(worst, abs(got - want))
    check("kendall tau-b vs the O(n^2) definition, 200 random tied samples (max error)", worst,
          0.0, 1e-12)
    print("self-test: %s" % ("passed" if not failures else "%d failed" % len(failures)))
    return 0 if not failures else 1


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scores", action="append", default=[], metavar="CSV",
                   help="a score CSV (index,arch,<proxy>,...); repeat to merge several by index")
    p.add_argument("--data", default="data", help="the repository's tables folder")
    p.add_argument("--out", help="where correlations.csv and correlations.md go")
    p.add_argument("--self-test", action="store_true",
                   help="check the rank statistics on worked examples and exit 0 or 1")
    p.add_argument("--unscored-lowest", action="store_true",
                   help="rank an empty or nan cell (the proxy could not score the arch) below "
                        "every scored arch, ties among themselves, instead of leaving it out")
    a = p.parse_args()
    if a.self_test:
        sys.exit(self_test())
    if not a.scores:
        fail("--scores CSV is required (or --self-test)")
    if not a.out:
        fail("--out DIR is required")
    arch, accuracy, feasible = load_truth(a.data)
    columns, scores, unscored = load_scores(a.scores, arch)
    scored, singles, combos = correlate_all(columns, scores, accuracy, feasible,
                                            unscored if a.unscored_lowest else None)
    os.makedirs(a.out, exist_ok=True)
    write_csv(singles, combos, os.path.join(a.out, "correlations.csv"))
    write_markdown(a.scores, scored, singles, combos, os.path.join(a.out, "correlations.md"),
                   a.unscored_lowest)
    print("\n".join(overall_table(singles, combos)))
    print("%d archs, %d proxy columns, %d combinations -> %s/correlations.csv, correlations.md" % (
        scored, len(columns), len(combos), a.out))


if __name__ == "__main__":
    main()
