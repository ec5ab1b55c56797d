"""hwnas from Python against the HW-NAS-Bench API's FBNet cost query, side by side in one process.

The reference side is the algorithm of the API's fbnet_get_metrics (hw_nas_bench_api), written
out here from its documented behaviour: build each layer's lookup-table key from the FBNet-space
macro (stem, 22 blocks with their INPUT size, head, pool, FC) and sum the entries in that order,
one metric at a time, over the same fbnet_lut.json hwnas reads. Both sides must agree bit for bit
on every arch (checked); then they are timed interleaved (reference, hwnas, hwnas, reference per
round), and the medians and ratios printed:

  - one arch, the 8 metrics: reference vs hwnas.compat.HWNASBenchAPI.query_by_index (which also
    forms average_hw_metric), CostLibrary.query_function's prepared query, CostLibrary.query, and
    8 CostLibrary.cost calls;  goal >= 100x
  - 1 M random archs x 8 metrics, numpy in -> numpy out, CostLibrary.costs;  goal < 0.5 s

    PYTHONPATH=build/python /usr/bin/python3 tests/benchmarks/python_vs_reference.py
"""
import argparse
import json
import statistics
import time

import numpy as np

import hwnas
from hwnas.compat import HWNASBenchAPI

METRICS = ["edgegpu_latency", "edgegpu_energy", "raspi4_latency", "pixel3_latency",
           "eyeriss_latency", "eyeriss_energy", "fpga_latency", "fpga_energy"]
BLOCKS = [(1, 3, 1), (1, 3, 2), (3, 3, 1), (6, 3, 1), (1, 5, 1), (1, 5, 2), (3, 5, 1), (6, 5, 1)]  # (exp, kernel, group)
STAGE_LAYERS = [1, 4, 4, 4, 4, 4, 1]
STAGE_CHANNELS = [16, 24, 32, 64, 112, 184, 352]


def reference_metric(ops, dataname, table):
    """fbnet_get_metrics' sum for one metric's table (dataname cifar100 or ImageNet)."""
    cifar = dataname == "cifar100"
    classes, head = (100, 1504) if cifar else (1000, 1984)
    strides = [1, 1, 2, 2, 1, 2, 1] if cifar else [1, 2, 2, 2, 1, 2, 1]
    stem_stride, size = (1, 32) if cifar else (2, 224)
    total = table[f"ConvNorm_H{size}_W{size}_Cin3_Cout16_kernel3_stride{stem_stride}_group1"]
    size //= stem_stride
    layer, channels_in = 0, 16
    for stage, layers in enumerate(STAGE_LAYERS):
        channels_out = STAGE_CHANNELS[stage]
        for i in range(layers):
            stride = strides[stage] if i == 0 else 1
            op = ops[layer]
            if op < 8:
                exp, kernel, group = BLOCKS[op]
                key = (f"ConvBlock_H{size}_W{size}_Cin{channels_in}_Cout{channels_out}_exp{exp}"
                       f"_kernel{kernel}_stride{stride}_group{group}")
            else:
                key = f"Skip_H{size}_W{size}_Cin{channels_in}_Cout{channels_out}_stride{stride}"
            total += table[key]
            size //= stride  # the key uses the block's input size
            channels_in = channels_out
            layer += 1
    total += table[f"ConvNorm_H{size}_W{size}_Cin352_Cout{head}_kernel1_stride1_group1"]
    total += table[f"AvgP_H{size}_W{size}_Cin{head}_Cout{head}_kernel{size}_stride1"]
    return total + table[f"FC_Cin{head}_Cout{classes}"]


def reference_query(ops, dataname, tables):
    return {metric: reference_metric(ops, dataname, tables[metric]) for metric in METRICS}


def per_call_seconds(fn, archs):
    start = time.perf_counter()
    for ops in archs:
        fn(ops)
    return (time.perf_counter() - start) / len(archs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archs", type=int, default=2000, help="archs per single-query round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch", type=int, default=1_000_000)
    args = parser.parse_args()

    lib = hwnas.CostLibrary()
    api = HWNASBenchAPI("HW-NAS-Bench-v1_0.pickle (ignored)", search_space="fbnet", library=lib)
    with open(lib.fbnet_lut_file) as f:
        tables = json.load(f)
    rng = np.random.default_rng(0)
    archs = rng.integers(0, 9, size=(args.archs, 22)).tolist()

    for dataname in ("cifar100", "ImageNet"):  # the two sides agree to the bit first
        for ops in archs:
            expected = reference_query(ops, dataname, tables)
            assert lib.query("fbnet", dataname, ops, METRICS) == expected, ops
            got = api.query_by_index(ops, dataname)
            assert all(got[m] == expected[m] for m in METRICS), ops
    print(f"agreement: {len(archs)} archs x 8 metrics x 2 settings, bit for bit")

    sides = {
        "reference fbnet_get_metrics x 8": lambda ops: reference_query(ops, "cifar100", tables),
        "HWNASBenchAPI.query_by_index (compat)": lambda ops: api.query_by_index(ops, "cifar100"),
        "CostLibrary.query_function(8 metrics)": lambda ops: prepared(ops),
        "CostLibrary.query(8 metrics)": lambda ops: lib.query("fbnet", "cifar100", ops, METRICS),
        "CostLibrary.cost x 8": lambda ops: [lib.cost("fbnet", "cifar100", ops, m) for m in METRICS],
    }
    names = list(sides)
    prepared = lib.query_function("fbnet", "cifar100", METRICS)
    times = {name: [] for name in names}
    for _ in range(args.rounds):  # interleaved: reference, hwnas..., hwnas... reversed, reference
        for name in names[1:]:
            times[names[0]].append(per_call_seconds(sides[names[0]], archs))
            times[name].append(per_call_seconds(sides[name], archs))
        for name in reversed(names[1:]):
            times[name].append(per_call_seconds(sides[name], archs))
            times[names[0]].append(per_call_seconds(sides[names[0]], archs))
    reference = statistics.median(times[names[0]])
    print(f"\none arch, 8 metrics (cifar100; medians of {len(times[names[0]])} rounds of "
          f"{len(archs)} archs)")
    print(f"  {'':40s} {'per query':>10s}  speed-up over the reference")
    for name in names:
        median = statistics.median(times[name])
        print(f"  {name:40s} {median * 1e6:8.2f} us  {reference / median:7.1f}x")

    big = rng.integers(0, 9, size=(args.batch, 22))
    big_u8 = big.astype(np.uint8)
    batch = {"int64": [], "uint8": []}
    for _ in range(args.rounds):
        for label, array in (("int64", big), ("uint8", big_u8)):
            start = time.perf_counter()
            values = lib.costs("fbnet", "cifar100", array, METRICS)
            batch[label].append(time.perf_counter() - start)
    assert values.shape == (args.batch, 8)
    sample = rng.integers(0, args.batch, size=200)
    for i in sample:  # the batch's values are the single queries'
        assert values[i].tolist() == [reference_metric(big[i].tolist(), "cifar100", tables[m]) for m in METRICS]
    print(f"\n{args.batch:,} random archs x 8 metrics, numpy (N, 22) -> numpy (N, 8) float64 "
          f"(median of {args.rounds}):")
    for label, runs in batch.items():
        print(f"  CostLibrary.costs, {label} archs: {statistics.median(runs) * 1e3:8.1f} ms "
              f"(min {min(runs) * 1e3:.1f}, max {max(runs) * 1e3:.1f})")
    print(f"  the reference at its median single-query rate: {reference * args.batch:8.1f} s "
          f"(extrapolated, not run)")


if __name__ == "__main__":
    main()
