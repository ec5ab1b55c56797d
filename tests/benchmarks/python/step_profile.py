#!/usr/bin/python3
"""Where a child-net training step's time goes, by kind of op: the LibTorch 1.13 profiler over
the net and step of child_training.py (the same kernels hwnas runs). `--format channels_last` with
the allocator setting of hwnas's keep_freed_memory() (MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_
in the environment) is what hwnas trains with; `--format nchw` without them is the PyTorch default.

  /usr/bin/python3 tests/benchmarks/python/step_profile.py --arch 0 --format nchw
  MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=2147483647 \\
    /usr/bin/python3 tests/benchmarks/python/step_profile.py --arch 0 --format channels_last
"""
import argparse
import collections
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from child_training import training_step  # noqa: E402


def conv_kind(shapes):
    """depthwise / 1x1 / kxk from the input and weight shapes of a convolution (or its backward)."""
    four_d = [s for s in shapes if len(s) == 4]
    if len(four_d) < 2:
        return "conv other"
    weight = four_d[-1] if len(four_d) == 2 else four_d[2]  # backward: grad_out, input, weight
    if weight[1] == 1 and weight[0] > 1:
        return "depthwise"
    return "1x1" if weight[2] == 1 else "kxk (stem)"


def category(event):
    name = event.name
    if name in ("aten::mkldnn_convolution", "aten::thnn_conv2d", "aten::_slow_conv2d_forward",
                "aten::_convolution_depthwise3x3_winograd"):
        return "conv " + conv_kind(event.input_shapes) + " fwd"
    if name == "aten::convolution_backward":
        return "conv " + conv_kind(event.input_shapes) + " bwd"
    if "batch_norm" in name:
        return "BN " + ("bwd" if "backward" in name else "fwd")
    if name in ("aten::clamp_min", "aten::relu", "aten::relu_", "aten::threshold_backward"):
        return "ReLU " + ("bwd" if "backward" in name else "fwd")
    if name.startswith("Optimizer") or name in ("aten::add_", "aten::mul_", "aten::addcmul_"):
        return "optimizer + clip"
    return "other (shuffle, add, loss, ...)"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--arch", type=int, default=0)
    parser.add_argument("--format", choices=["nchw", "channels_last"], default="nchw")
    parser.add_argument("--steps", type=int, default=4)
    args = parser.parse_args()
    torch.set_num_threads(1)
    step = training_step(args.arch, args.format)
    for _ in range(2):
        step()
    with torch.autograd.profiler.profile(record_shapes=True) as prof:
        for _ in range(args.steps):
            step()
    totals = collections.Counter()
    for event in prof.function_events:
        totals[category(event)] += event.self_cpu_time_total
    whole = sum(totals.values())
    print(f"{args.format}: {whole / args.steps / 1000:.0f} ms per step")
    for name, us in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {name:32s} {us / args.steps / 1000:8.1f} ms  {100 * us / whole:5.1f} %")


if __name__ == "__main__":
    main()
