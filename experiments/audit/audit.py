#!/usr/bin/env python3
"""Hostile-input audit of the hwnas executables: the classes of issue 16, replayable on any build.

  python3 experiments/audit/audit.py --bin build/search --out runs/audit-after
  python3 experiments/audit/audit.py --bin ../wt-before/build/search --out runs/audit-before

Each case runs one executable under a time limit and is classified:
  clean    exit 0 on an acceptable input, or exit 1/2 with one stderr line and no trace
  silent   exit 0 on an input that is known to be bad (the worst kind)
  crash    killed by a signal or abort (SIGSEGV, SIGBUS, terminate -> 134)
  trace    a non-zero exit whose stderr has several lines or a C++ backtrace
  hang     still running at the time limit
Writes <out>/cases.csv (class,case,known_bad,exit,outcome,first stderr line) and prints a count
per class and outcome. The mutations are seeded: two builds see the same cases.
"""
import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTCOMES = ["clean", "silent", "crash", "trace", "hang"]


def run(argv, known_bad, timeout=60, env=None, cwd=ROOT):
    try:
        p = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "hang", ""
    err = p.stderr.decode("utf-8", "replace")
    lines = [l for l in err.splitlines() if l.strip()]
    first = lines[0][:200] if lines else ""
    if p.returncode < 0 or p.returncode in (134, 135, 136, 139):
        return p.returncode, "crash", first
    if p.returncode == 0:
        return 0, "silent" if known_bad else "clean", first
    # Warnings a run logs before its error are not a trace; only the last line is the error.
    error_lines = [l for l in lines if "] warning " not in l and "] info " not in l]
    if len(error_lines) != 1 or "frame #" in err or "Exception raised from" in err or "terminate called" in err:
        return p.returncode, "trace", first
    return p.returncode, "clean", first


# ---------------------------------------------------------------- config mutations (seeded)
HOSTILE = ["-1", "0", "1e30", "-1e30", "nan", ".nan", ".inf", "1.5", "abc", "''", "[]", "{}", "[1, [2]]",
           "{a: 1}", "~", "..", "/", "0x10", "99999999999999999999", "true", "x" * 3000, "*undefined",
           "!!binary AAAA", "[", "{", "'", "-", "- a", "1,2", "1000000000", "-2147483649"]


def is_key_line(line):
    s = line.lstrip(" ")
    if not s or not (s[0].isalpha() or s[0] == "_") or ":" not in s:
        return False
    return all(c.isalnum() or c == "_" for c in s[:s.index(":")])


def mutate(text, rng):
    lines = text.splitlines()
    value = rng.choice(HOSTILE)
    kind = rng.randrange(9)
    keys = [i for i, l in enumerate(lines) if is_key_line(l)]
    if kind == 0 and keys:
        i = rng.choice(keys)
        lines[i] = lines[i][:lines[i].index(":") + 1] + " " + value
        return "\n".join(lines) + "\n", "value " + value[:20] + " at line %d" % (i + 1), False
    if kind == 1 and lines:
        i = rng.randrange(len(lines))
        del lines[i]
        return "\n".join(lines) + "\n", "deleted line %d" % (i + 1), False
    if kind == 2 and keys:
        i = rng.choice(keys)
        lines.insert(i, lines[i])
        return "\n".join(lines) + "\n", "duplicated key line %d" % (i + 1), True
    if kind == 3:
        return text + "zz_not_a_key: 1\n", "unknown key", True
    if kind == 4:
        return text + "---\nseed: 1\n", "second document", True
    if kind == 5:
        seed = rng.choice(["-1", "1.5", "abc", "1e30", "[1]", "''"])
        kept = [l for l in lines if not l.startswith("seed:")]
        return "\n".join(kept + ["seed: " + seed]) + "\n", "seed " + seed, True
    if kind == 6:
        name = rng.choice(["..", ".", "''", "a/b"])
        kept = [l for l in lines if not l.startswith("name:")]
        return "\n".join(kept + ["name: " + name]) + "\n", "name " + name, True
    if kind == 7:
        cut = rng.randrange(len(text) + 1)
        return text[:cut], "truncated at %d" % cut, False
    at = rng.randrange(len(text) + 1)
    return text[:at] + value + text[at:], "inserted " + value[:20] + " at %d" % at, False


def config_cases(b, tmp, rng, count):
    bases = ["configs/quickstart.yaml", "configs/nb201/random_edgegpu.yaml", "configs/nb201/nsga2_edgegpu.yaml",
             "configs/smoke/proxylessnas_fbnet.yaml", "configs/smoke/fbnet_dnas_nb201.yaml"]
    for n in range(count):
        base = bases[n % len(bases)]
        text, what, bad = mutate(open(os.path.join(ROOT, base)).read(), rng)
        path = os.path.join(tmp, "config.yaml")
        with open(path, "w") as f:
            f.write(text)
        out = os.path.join(tmp, "run-config")
        shutil.rmtree(out, ignore_errors=True)
        yield base + ": " + what, bad, [b + "/hwnas_search", "--config", path, "--out", out, "--log-level", "warn"]
    # Bounds a config alone cannot show.
    smoke = os.path.join(ROOT, "configs/smoke/proxylessnas_fbnet.yaml")
    for s in ["threads=1000000", "train.batch_size=1000000", "strategy.type=proxylesnas", "name=.."]:
        out = os.path.join(tmp, "run-set")
        shutil.rmtree(out, ignore_errors=True)
        yield "smoke --set " + s, True, [b + "/hwnas_search", "--config", smoke, "--set", s, "--out", out]


# ---------------------------------------------------------------- command lines
def cli_cases(b, tmp):
    fifo = os.path.join(tmp, "fifo")
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    fbnet = "k3_e6," * 21 + "skip"
    minus = ",".join(["-1"] * 22)
    files = ["", "/nonexistent/x", tmp, "/dev/zero", fifo]
    cases = []
    for exe in ["hwnas_search", "hwnas_query", "hwnas_train", "hwnas_analyze", "hwnas_fit", "hwnas_profile",
                "hwnas_evaluate"]:
        cases += [(exe, ["--nope"]), (exe, ["--log-level"]), (exe, ["--log-level", "loud"])]
    for f in files:
        cases += [("hwnas_search", ["--config", f]), ("hwnas_train", ["--arch", f, "--config", "configs/retrain/cifar10-reduced.yaml"]),
                  ("hwnas_search", ["--resume", f]), ("hwnas_train", ["--resume", f]),
                  ("hwnas_query", ["--space", "fbnet", "--setting", "cifar10", "--cost-table", f, "--arch", fbnet]),
                  ("hwnas_evaluate", ["--supernet", f])]
    for seeds in ["abc", "5-1", "-1", "1,,2", "0-99999999999"]:
        cases.append(("hwnas_search", ["--config", "configs/quickstart.yaml", "--seeds", seeds]))
    for arch in [minus, "+5", "-0", "1e30", "1.5", "15625", "-1", "0x10", "", " ", "12abc", "|foo~0|",
                 "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|junk", fbnet + ",skip", fbnet[:-5]]:
        space = "fbnet" if "," in arch or arch == minus else "nb201"
        cases.append(("hwnas_query", ["--space", space, "--setting", "cifar10", "--arch", arch]
                      if space == "fbnet" else ["--space", "nb201", "--arch", arch]))
    for v in ["-1", "abc", "2000000000", "1e30", ""]:
        cases.append(("hwnas_analyze", ["--samples", v]))
        if v != "2000000000":  # a valid seed
            cases.append(("hwnas_analyze", ["--seed", v]))
    for v in ["-1", "1e100", "1e308", "nan", "abc", ""]:
        cases.append(("hwnas_fit", ["--device", "all", "--lambda", v, "--out", os.path.join(tmp, "fit")]))
    for v in ["100000", "-1", "abc", "1e30"]:
        cases.append(("hwnas_profile", ["--threads", v, "--out", os.path.join(tmp, "profile")]))
        cases.append(("hwnas_evaluate", ["--supernet", "/nonexistent", "--threads", v]))
    for name, argv in cases:
        yield name + " " + " ".join(a[:40] for a in argv), True, [b + "/" + name] + argv


# ---------------------------------------------------------------- tables
def table_cases(b, tmp, data_dir):
    import json
    lut_name = "hw-nas-bench/fbnet_lut.json"
    lut = json.load(open(os.path.join(data_dir, lut_name)))  # metric -> LUT key -> value
    fbnet = "k3_e6," * 21 + "skip"

    def with_lut(tag, text):
        d = os.path.join(tmp, "data-" + tag)
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(data_dir, d, symlinks=True)
        with open(os.path.join(d, lut_name), "w") as f:
            f.write(text)
        return d

    cases = []
    # One key of the CIFAR setting deleted per metric: a block the queried arch uses, the classifier.
    for metric in sorted(lut.keys()):
        for key in ["ConvBlock_H32_W32_Cin16_Cout16_exp6_kernel3_stride1_group1", "FC_Cin1504_Cout10"]:
            if key not in lut[metric]:
                continue
            broken = json.loads(json.dumps(lut))
            del broken[metric][key]
            cases.append(("lut: no %s %s" % (metric, key), with_lut("del%d" % len(cases), json.dumps(broken))))
    text = json.dumps(lut)
    cases.append(("lut: truncated", with_lut("trunc", text[: len(text) // 2])))
    cases.append(("lut: empty", with_lut("empty", "")))
    cases.append(("lut: NaN value", with_lut("nan", text.replace(": 0.", ": NaN, \"x\": 0.", 1))))
    cases.append(("lut: negative value", with_lut("neg", text.replace(": 0.", ": -0.", 1))))
    cases.append(("lut: a directory", with_lut("dir", text)))
    os.remove(os.path.join(cases[-1][1], lut_name))
    os.mkdir(os.path.join(cases[-1][1], lut_name))
    for what, d in cases:
        env = dict(os.environ, HWNAS_DATA_DIR=d)
        yield what, True, [b + "/hwnas_query", "--space", "fbnet", "--setting", "cifar10", "--arch", fbnet], env


# ---------------------------------------------------------------- checkpoints
def checkpoint_cases(b, tmp, rng):
    smoke = os.path.join(ROOT, "configs/smoke/proxylessnas_fbnet.yaml")
    runs = {}
    for seed in (0, 1):
        out = os.path.join(tmp, "ckpt-seed%d" % seed)
        shutil.rmtree(out, ignore_errors=True)
        # Stop after one epoch so that --resume has epochs left to run.
        subprocess.run([b + "/hwnas_search", "--config", smoke, "--set", "seed=%d" % seed, "--set",
                        "train.stop_after_epochs=1", "--out", out, "--log-level", "warn"], cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
        runs[seed] = out
    last = os.path.join(runs[0], "checkpoints", "last.pt")
    if not os.path.exists(last):
        return
    data = open(last, "rb").read()
    other = open(os.path.join(runs[1], "checkpoints", "last.pt"), "rb").read()
    flipped = bytearray(data)
    for at in (len(data) // 3, len(data) // 2, 2 * len(data) // 3):
        flipped[at] ^= 0x10
    corruptions = [("truncated half", data[: len(data) // 2]), ("truncated 100 bytes", data[:100]),
                   ("empty", b""), ("random bytes", bytes(rng.randrange(256) for _ in range(4096))),
                   ("bit flips", bytes(flipped)), ("another run's", other)]
    for what, content in corruptions:
        d = os.path.join(tmp, "ckpt-case")
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(runs[0], d)
        for lock in (".lock",):
            if os.path.exists(os.path.join(d, lock)):
                os.remove(os.path.join(d, lock))
        with open(os.path.join(d, "checkpoints", "last.pt"), "wb") as f:
            f.write(content)
        yield "checkpoint: " + what, True, [b + "/hwnas_search", "--resume", d, "--log-level", "warn"]


# ---------------------------------------------------------------- plug-ins
def plugin_cases(b, tmp, plugin, rng):
    data = open(plugin, "rb").read()
    cuts = [0, 64, 1000, len(data) // 4, len(data) // 2, len(data) - 100]
    variants = [("truncated at %d" % c, data[:c]) for c in cuts]
    variants.append(("random bytes", bytes(rng.randrange(256) for _ in range(20000))))
    variants.append(("ELF header only", data[:64] + bytes(1000)))
    for what, content in variants:
        so = os.path.join(tmp, "libbroken.so")
        with open(so, "wb") as f:
            f.write(content)
        config = os.path.join(tmp, "plugin.yaml")
        with open(config, "w") as f:
            f.write("name: plugin-audit\nobjective: {type: constrained, metric: edgegpu_latency, limit: 5}\n"
                    "budget: {queries: 50}\nstrategy: {type: plugin, library: %s, name: annealing}\n" % so)
        yield "plug-in: " + what, True, [b + "/hwnas_search", "--config", config, "--out", os.path.join(tmp, "run-plugin")]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True, help="folder with the hwnas executables")
    ap.add_argument("--out", required=True, help="folder for cases.csv")
    ap.add_argument("--data", default=os.path.join(ROOT, "data"), help="the bundled tables (HWNAS_DATA_DIR)")
    ap.add_argument("--plugin", default=os.path.join(ROOT, "build/tests/libhwnas_example_strategy.so"),
                    help="a working plug-in to corrupt")
    ap.add_argument("--configs", type=int, default=150, help="mutated configs")
    args = ap.parse_args()
    b = os.path.abspath(args.bin)
    os.makedirs(args.out, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="hwnas_audit_")
    rng = random.Random(16)
    classes = [("command line", cli_cases(b, tmp)),
               ("config", config_cases(b, tmp, rng, args.configs)),
               ("table", table_cases(b, tmp, os.path.abspath(args.data))),
               ("checkpoint", checkpoint_cases(b, tmp, rng))]
    if os.path.exists(args.plugin):
        classes.append(("plug-in", plugin_cases(b, tmp, args.plugin, rng)))
    counts = {}
    with open(os.path.join(args.out, "cases.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["class", "case", "known_bad", "exit", "outcome", "stderr"])
        for name, cases in classes:
            for case in cases:
                what, bad, argv = case[:3]
                env = case[3] if len(case) > 3 else None
                code, outcome, first = run(argv, bad, env=env)
                counts.setdefault(name, {o: 0 for o in OUTCOMES})[outcome] += 1
                w.writerow([name, what, int(bad), code, outcome, first])
                f.flush()
    shutil.rmtree(tmp, ignore_errors=True)
    print("%-14s %6s " % ("class", "cases") + " ".join("%7s" % o for o in OUTCOMES))
    for name, c in counts.items():
        print("%-14s %6d " % (name, sum(c.values())) + " ".join("%7d" % c[o] for o in OUTCOMES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
