#!/usr/bin/env python3
"""Independent reference values for tests/search/zero_cost/test_proxies.cpp.

Computes every network proxy of hwnas on the tiny network the test builds, with PyTorch
(Debian's python3-torch) and numpy, directly from the papers' definitions, written without the
C++ code in view: a check on hwnas' implementation, not a copy of it. Run:

  /usr/bin/python3 tests/search/zero_cost/reference_proxies.py
"""
import math

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float32)
B = 4


def tiny_weights():
    conv = ((torch.arange(6, dtype=torch.float32) - 2.5) / 3).reshape(2, 3, 1, 1)
    linear = (torch.sin(torch.arange(24, dtype=torch.float32)) * 0.5).reshape(3, 8)
    bias = torch.tensor([0.1, -0.2, 0.3])
    return conv, linear, bias


def batches():
    x0 = torch.cos(torch.arange(B * 12, dtype=torch.float32)).reshape(B, 3, 2, 2)
    x1 = torch.sin(torch.arange(B * 12, dtype=torch.float32) * 0.7 + 1).reshape(B, 3, 2, 2)
    y0 = torch.tensor([0, 1, 2, 1])
    y1 = torch.tensor([2, 0, 1, 1])
    return [(x0, y0), (x1, y1)]


def forward(x, conv, linear, bias, bn_train=True, eps=1e-5, relu_inputs=None):
    h = F.conv2d(x, conv)
    if bn_train:  # batch statistics, biased variance, weight 1, bias 0
        mean = h.mean(dim=(0, 2, 3), keepdim=True)
        var = h.var(dim=(0, 2, 3), unbiased=False, keepdim=True)
        h = (h - mean) / torch.sqrt(var + eps)
    else:  # fresh running statistics: mean 0, variance 1
        h = h / math.sqrt(1 + eps)
    if relu_inputs is not None:
        relu_inputs.append(h.detach())
    h = torch.relu(h)
    return F.linear(h.reshape(h.shape[0], -1), linear, bias)


def main():
    conv0, lin0, bias0 = tiny_weights()
    (x0, y0), (x1, y1) = batches()
    out = {}

    # grad_norm and snip: cross-entropy gradients of batch 0.
    conv, lin, bias = (t.clone().requires_grad_(True) for t in (conv0, lin0, bias0))
    loss = F.cross_entropy(forward(x0, conv, lin, bias), y0)
    g_conv, g_lin = torch.autograd.grad(loss, [conv, lin])
    out["grad_norm"] = float(g_conv.norm() + g_lin.norm())
    out["snip"] = float((conv0 * g_conv).abs().sum() + (lin0 * g_lin).abs().sum())

    # zico over the two batches.
    grads = [[], []]
    for x, y in [(x0, y0), (x1, y1)]:
        conv, lin, bias = (t.clone().requires_grad_(True) for t in (conv0, lin0, bias0))
        gc, gl = torch.autograd.grad(F.cross_entropy(forward(x, conv, lin, bias), y), [conv, lin])
        grads[0].append(gc.reshape(-1).double().numpy())
        grads[1].append(gl.reshape(-1).double().numpy())
    zico = 0.0
    for layer in grads:
        g = np.stack(layer)
        std = g.std(axis=0)
        keep = std != 0
        total = (np.abs(g).mean(axis=0)[keep] / std[keep]).sum()
        if total > 0:
            zico += math.log(total)
    out["zico"] = zico

    # naswot: Hamming kernel of the ReLU codes of batch 0.
    relu_inputs = []
    forward(x0, conv0, lin0, bias0, relu_inputs=relu_inputs)
    codes = (relu_inputs[0].reshape(B, -1) > 0).double().numpy()
    kernel = codes @ codes.T + (1 - codes) @ (1 - codes).T
    out["naswot"] = float(np.linalg.slogdet(kernel)[1])

    # jacov: input gradients of the summed outputs, batch 0.
    x = x0.clone().requires_grad_(True)
    forward(x, conv0, lin0, bias0).sum().backward()
    jac = x.grad.reshape(B, -1).double().numpy()
    eig = np.linalg.eigvalsh(np.corrcoef(jac))
    out["jacov"] = float(-np.sum(np.log(eig + 1e-5) + 1.0 / (eig + 1e-5)))

    # synflow: |parameters|, double, BN with fresh statistics, one all-ones image.
    conv, lin, bias = (t.abs().double().requires_grad_(True) for t in (conv0, lin0, bias0))
    r = forward(torch.ones(1, 3, 2, 2, dtype=torch.float64), conv, lin, bias, bn_train=False).sum()
    gc, gl = torch.autograd.grad(r, [conv, lin])
    out["synflow"] = float((conv * gc).abs().sum() + (lin * gl).abs().sum())

    for name in ["grad_norm", "snip", "synflow", "jacov", "naswot", "zico"]:
        print("%s %.12g" % (name, out[name]))


if __name__ == "__main__":
    main()
