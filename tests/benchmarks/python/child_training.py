#!/usr/bin/python3
"""The Python side of bench_training's BM_ChildStep: the same FBNet child nets (cifar10 setting,
HW-NAS-Bench blocks), the same retraining step (forward, label-smoothed CE, backward, clip 5,
nesterov SGD), batch 64, in Debian's python3-torch. Prints one line: `images_per_s <value>`.

  /usr/bin/python3 tests/benchmarks/python/child_training.py --arch 0 --format nchw --threads 1
"""
import argparse
import time

import torch
from torch import nn

ARCHS = [  # the same order as bench_training.cpp's kArchs
    "k3_e3,skip,k5_e1,k3_e6,skip,k5_e3,k3_e1,skip,skip,k3_e3,k5_e1,skip,k3_e3,k3_e3,skip,skip,"
    "skip,k3_e3,skip,skip,skip,k5_e3",
    "k3_e1_g2,skip,k3_e3,k5_e1,k3_e1,k3_e3,k3_e1_g2,skip,k3_e1_g2,skip,k5_e1_g2,k3_e1,k3_e1_g2,"
    "k3_e1,skip,k3_e1,k5_e1,k3_e1,skip,skip,skip,skip",
    "k3_e1_g2,skip,k3_e1,k3_e3,k5_e1,k5_e1,k3_e1_g2,k5_e1_g2,k3_e1,skip,k3_e3,k5_e1_g2,k5_e1_g2,"
    "k3_e1_g2,skip,skip,k5_e1_g2,k3_e1,k5_e1_g2,skip,skip,skip",
    ",".join(["k3_e6"] * 22),
]
STAGES = [(1, 16, 1), (4, 24, 1), (4, 32, 2), (4, 64, 2), (4, 112, 1), (4, 184, 2), (1, 352, 1)]


def candidate(name):
    if name == "skip":
        return None
    kernel, expansion = int(name[1]), int(name.split("_")[1][1:])
    return kernel, expansion, 2 if name.endswith("_g2") else 1


def conv_bn(cin, cout, kernel, stride, padding, groups, relu):
    layers = [nn.Conv2d(cin, cout, kernel, stride, padding, groups=groups, bias=False),
              nn.BatchNorm2d(cout)]
    return nn.Sequential(*layers, nn.ReLU()) if relu else nn.Sequential(*layers)


class ConvBlock(nn.Module):
    def __init__(self, cin, cout, stride, kernel, expansion, groups):
        super().__init__()
        mid = cin * expansion
        self.groups = groups
        self.residual = cin == cout and stride == 1
        self.expand = conv_bn(cin, mid, 1, 1, 0, groups, True)
        self.depthwise = conv_bn(mid, mid, kernel, stride, (kernel - stride + 1) // 2, mid, True)
        self.project = conv_bn(mid, cout, 1, 1, 0, groups, False)

    def forward(self, x):
        y = self.expand(x)
        if self.groups > 1:
            b, c, h, w = y.shape
            y = y.view(b, self.groups, c // self.groups, h, w).transpose(1, 2).contiguous().view(b, c, h, w)
        y = self.project(self.depthwise(y))
        return y + x if self.residual else y


def child_net(arch):
    names = arch.split(",")
    layers, cin, i = [conv_bn(3, 16, 3, 1, 1, 1, True)], 16, 0
    for blocks, cout, first_stride in STAGES:
        for b in range(blocks):
            stride = first_stride if b == 0 else 1
            c = candidate(names[i])
            if c is None:
                layers.append(nn.Identity() if stride == 1 and cin == cout
                              else conv_bn(cin, cout, 1, stride, 0, 1, True))
            else:
                layers.append(ConvBlock(cin, cout, stride, *c))
            cin, i = cout, i + 1
    layers += [conv_bn(352, 1504, 1, 1, 0, 1, True), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
               nn.Linear(1504, 10)]
    return nn.Sequential(*layers)


def training_step(arch, memory_format):
    """The retraining step of hwnas_train on `arch` (index into ARCHS), batch 64: a callable."""
    torch.manual_seed(0)
    net = child_net(ARCHS[arch])
    x, y = torch.randn(64, 3, 32, 32), torch.randint(0, 10, (64,))
    if memory_format == "channels_last":
        net = net.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    sgd = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=4e-5)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    params = list(net.parameters())

    def step():
        sgd.zero_grad(set_to_none=True)
        loss_fn(net(x), y).backward()
        torch.nn.utils.clip_grad_norm_(params, 5.0)
        sgd.step()

    return step


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--arch", type=int, default=0)
    parser.add_argument("--format", choices=["nchw", "channels_last"], default="nchw")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    step = training_step(args.arch, args.format)
    step()
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < args.seconds:
        step()
        steps += 1
    print(f"images_per_s {steps * 64 / (time.perf_counter() - start):.2f}")


if __name__ == "__main__":
    main()
