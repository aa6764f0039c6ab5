#!/usr/bin/python3
"""Regenerates the PyTorch reference data under tests/data/torch_ref/.

Run from anywhere with Debian's python3-torch and python3-numpy:

    /usr/bin/python3 scripts/torch_reference.py

For every activation actbench offers (the registry in src/core/act.c; the script
stops if one is missing from ACTS below) it writes tests/data/torch_ref/NAME.txt
with

  * element-wise data: points z (every kink exactly, the float32 neighbours of
    every kink, kink +- 2^-10, a grid and random points in [-8, 8], and a few
    large values), f(z) and f'(z) from autograd (the sum of the outputs is
    differentiated, so the gradient is f'(z)), and the activation's kinks;
  * a small fixed network (5 inputs, 4 hidden layers of width 7, 3 classes,
    softmax cross-entropy averaged over a batch of 8) in float32: the batch,
    the initial weights, biases and (prelu) slopes, every layer's
    pre-activations z and activations a (softmax probabilities for the output
    layer), the loss, every parameter gradient, the per-layer gradient norms as
    actbench defines them (||dL/dW_l||_F and ||dL/db_l||_2), and the losses of
    the first 10 steps of plain SGD (lr 0.1) on the same batch, each recorded
    before that step's update.

It also writes tests/data/torch_ref/net_<case>.txt for the network options
(see NET_CASES below): batch normalisation (Linear without bias ->
BatchNorm1d -> activation on every hidden layer) and residual connections
(a_l = a_{l-1} + f(y_l) for hidden layers 2..depth), on a network of 5 inputs,
3 hidden layers of width 8, 3 classes and a batch of 16, in float32: the
batch, the initial W, b (beta for batchnorm layers) and gamma, every layer's
z (before batchnorm), bn (after it), h = f(bn), a (passed on), the loss and
every gradient in training mode (batch statistics, running statistics left
alone), then 5 steps of plain SGD (lr 0.1) in training mode, which update the
running statistics once per step, their losses, the running means and
variances after them, and the eval-mode outputs (running statistics) of
another batch of 16 at the final weights.

And it writes tests/data/torch_ref/custom_<case>.txt for user-defined
activations (see CUSTOM below): formulas (silu, mish, gelu_tanh and the soft
exponential with a learned alpha, written as actbench's expr: specs) and the
example plugins (examples/brelu, examples/softexp), each against a PyTorch
implementation of its own, on the same network, with element-wise data for
several parameter values and, for BReLU, a layer width.  Only these, leaving
every other file alone:

    /usr/bin/python3 scripts/torch_reference.py --custom

The weights are drawn once and shared by every activation.  The last sample of
the batch is all zeros, so its first-layer pre-activations are exactly the
first layer's biases; those are set to the kinks 0, +-0.5, +-1, +-3, so the
network data, too, have pre-activations exactly at a kink for every kinked
activation except relu6's 6 (the element-wise data cover that one).

File format (parsed by tests/test_reference.c): lines starting with '#' are
comments; "activation NAME" names the activation (in custom_<case>.txt
"spec SPEC" gives it, SPEC being the rest of the line); then blocks
"array NAME ROWS COLS" followed by ROWS*COLS numbers, row-major.  float32
values are printed with %.9g, which round-trips a float32 exactly; the
gradient norms are doubles (computed in double from the float32 gradients, as
actbench's probe does) and are printed with %.17g.
"""
import math
import os
import re
import sys

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "tests", "data", "torch_ref")
ACT_C = os.path.join(ROOT, "src", "core", "act.c")

SEED = 20240611
N_IN, DEPTH, WIDTH, N_OUT, BATCH = 5, 4, 7, 3, 8
LR, STEPS = 0.1, 10
INIT_GAIN = 1.5      # weights: normal, std = 1.5 sqrt(2 / (fan_in + fan_out))
BIAS_RANGE = 0.3     # biases: uniform in [-0.3, 0.3]
PRELU_INIT = 0.25
# First-layer biases: the kinks, hit exactly by the all-zero last sample.
B1_KINKS = [0.0, 0.5, -0.5, 1.0, -1.0, 3.0, -3.0]


class Heaviside(torch.autograd.Function):
    """step: f(z) = heaviside(z, 0) (so f(0) = 0); f' = 0 everywhere, also at 0.
    torch.heaviside has no derivative in autograd, hence this Function."""

    @staticmethod
    def forward(ctx, z):
        return torch.heaviside(z, torch.zeros((), dtype=z.dtype))

    @staticmethod
    def backward(ctx, g):
        return torch.zeros_like(g)


class PointwiseBackward(torch.autograd.Function):
    """f as given, with f' taken one element at a time: each element goes
    through ATen's backward kernel alone, i.e. through its scalar code.

    Used for hardswish: in Debian's PyTorch 1.13 the CPU backward kernel's
    scalar code gives f'(3) = 3/2 (z <= 3 ? z/3 + 1/2) but its vectorised
    (AVX2) code gives 1 (z >= 3 ? 1), so f'(3) depends on where z sits in
    memory: elements in the 16-float blocks go through the vectorised code,
    the tail through the scalar code (pytorch/pytorch#136345, addressed by
    #143899).  Element by element, the reference follows the kernel's scalar
    code (and the CUDA kernel of that time): f'(-3) = -1/2, f'(3) = 3/2.
    Later PyTorch changed both ends to the documented definition, f'(-3) = 0
    and f'(3) = 1 (#147801, #148049); data regenerated with such a version
    would differ from these at the two kinks."""

    @staticmethod
    def forward(ctx, z, fn):
        ctx.save_for_backward(z)
        ctx.fn = fn
        return fn(z)

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        zf, gf = z.detach().reshape(-1), g.reshape(-1)
        out = torch.empty_like(zf)
        with torch.enable_grad():
            for i in range(zf.numel()):
                zi = zf[i:i + 1].clone().requires_grad_(True)
                (out[i:i + 1],) = torch.autograd.grad(ctx.fn(zi), zi, gf[i:i + 1])
        return out.reshape(z.shape), None


def rrelu_eval(z, _a):
    # outside training rrelu is leaky_relu with slope (lower + upper) / 2
    return F.rrelu(z, lower=1.0 / 8, upper=1.0 / 3, training=False)


# name -> (f(z, alpha) in PyTorch, kinks, PyTorch's derivative at the kinks).
# alpha is the learned prelu slope of the layer (a 1-element tensor), unused
# by the others.  Parameters are actbench's defaults, which are PyTorch's.
ACTS = {
    "identity": (lambda z, a: z, [], None),
    "step": (lambda z, a: Heaviside.apply(z), [0.0],
             "f(0) = 0 (heaviside(z, 0)); f' = 0 everywhere, also at 0"),
    "sigmoid": (lambda z, a: torch.sigmoid(z), [], None),
    "tanh": (lambda z, a: torch.tanh(z), [], None),
    "relu": (lambda z, a: F.relu(z), [0.0],
             "f'(0) = 0 (threshold_backward: grad where z > 0, else 0)"),
    "leaky_relu": (lambda z, a: F.leaky_relu(z, 0.01), [0.0],
                   "f'(0) = negative_slope = 0.01 (leaky_relu_backward: grad where z > 0, "
                   "else slope grad)"),
    "prelu": (lambda z, a: F.prelu(z, a), [0.0],
              "f'(0) = alpha = 0.25, df/dalpha(0) = 0 (prelu backward: z > 0 ? grad : "
              "alpha grad; dalpha: z > 0 ? 0 : z grad)"),
    "rrelu": (rrelu_eval, [0.0],
              "eval mode: f'(0) = (lower + upper) / 2 = 11/48 (leaky_relu_backward)"),
    "elu": (lambda z, a: F.elu(z, 1.0), [0.0],
            "f'(0) = alpha = 1 (elu_backward: z <= 0 ? alpha e^z grad : grad)"),
    "celu": (lambda z, a: F.celu(z, 1.0), [0.0],
             "f'(0) = 1 (elu_backward with input_scale 1/alpha: z <= 0 ? e^(z/alpha) grad)"),
    "selu": (lambda z, a: F.selu(z), [0.0],
             "f'(0) = scale alpha = 1.7581 (elu_backward: z <= 0 ? scale alpha e^z grad)"),
    "gelu": (lambda z, a: F.gelu(z, approximate="none"), [], None),
    "gelu_tanh": (lambda z, a: F.gelu(z, approximate="tanh"), [], None),
    "silu": (lambda z, a: F.silu(z), [], None),
    "softplus": (lambda z, a: F.softplus(z, beta=1.0, threshold=20.0), [20.0],
                 "linear where beta z > threshold: f(z) = z, f' = 1; at beta z = threshold "
                 "still log1p(e^z) and sigmoid(z) (= 1 in float32)"),
    "mish": (lambda z, a: F.mish(z), [], None),
    "softsign": (lambda z, a: F.softsign(z), [], None),
    "hardtanh": (lambda z, a: F.hardtanh(z, -1.0, 1.0), [-1.0, 1.0],
                 "f' = 0 at min_val = -1 and at max_val = 1 (hardtanh_backward: "
                 "z <= min || z >= max ? 0 : grad)"),
    "relu6": (lambda z, a: F.relu6(z), [0.0, 6.0],
              "f' = 0 at 0 and at 6 (hardtanh_backward with 0, 6)"),
    "threshold": (lambda z, a: F.threshold(z, 0.0, 0.0), [0.0],
                  "f(0) = value = 0, f'(0) = 0 (threshold_backward: z <= threshold ? 0 : grad)"),
    "hardsigmoid": (lambda z, a: F.hardsigmoid(z), [-3.0, 3.0],
                    "f' = 0 at -3 and at 3 (hardsigmoid_backward: -3 < z < 3 ? grad/6 : 0)"),
    "hardswish": (lambda z, a: PointwiseBackward.apply(z, F.hardswish), [-3.0, 3.0],
                  "f'(-3) = -1/2, f'(3) = 3/2 (hardswish_backward's scalar code: z < -3 ? 0 : "
                  "z <= 3 ? (z/3 + 1/2) grad : grad; f' taken element by element, see "
                  "PointwiseBackward in the script)"),
    "logsigmoid": (lambda z, a: F.logsigmoid(z), [], None),
    "tanhshrink": (lambda z, a: F.tanhshrink(z), [], None),
    "softshrink": (lambda z, a: F.softshrink(z, 0.5), [-0.5, 0.5],
                   "f' = 0 at -lambd and at lambd = 0.5 (softshrink_backward: "
                   "-lambd <= z <= lambd ? 0 : grad)"),
    "hardshrink": (lambda z, a: F.hardshrink(z, 0.5), [-0.5, 0.5],
                   "f = 0 and f' = 0 at -lambd and at lambd = 0.5 (hardshrink_backward: "
                   "-lambd <= z <= lambd ? 0 : grad)"),
}


def registry_names():
    """Names in act_registry[] of src/core/act.c, in order."""
    with open(ACT_C, encoding="utf-8") as f:
        src = f.read()
    m = re.search(r"const act_info act_registry\[\]\s*=\s*\{(.*?)\n\};", src, re.S)
    if not m:
        sys.exit(f"{ACT_C}: act_registry not found")
    # an entry is a designated initialiser: {.name = "elu", .formula = ...
    return re.findall(r'^\s*\{\s*\.name\s*=\s*"([A-Za-z0-9_]+)"', m.group(1), re.M)


def f32(v):
    return np.float32(v)


def element_points():
    """Every kink, its float32 neighbours and +-2^-10, a grid, random points."""
    kinks = sorted({k for _, ks, _ in ACTS.values() for k in ks} | set(B1_KINKS))
    pts = set()
    for k in kinks:
        k = f32(k)
        pts.add(k)
        pts.add(np.nextafter(k, f32(-np.inf)))
        pts.add(np.nextafter(k, f32(np.inf)))
        pts.add(f32(k - f32(2.0 ** -10)))
        pts.add(f32(k + f32(2.0 ** -10)))
    pts.update(f32(v) for v in np.linspace(-8.0, 8.0, 65))  # step 0.25
    rng = np.random.default_rng(SEED)
    pts.update(rng.uniform(-8.0, 8.0, 32).astype(np.float32))
    pts.update(f32(v) for v in (-20.0, -12.0, 12.0, 20.5, 25.0))
    return np.array(sorted(pts), dtype=np.float32)


def elementwise(act, alpha0):
    z = torch.tensor(element_points(), requires_grad=True)
    y = act(z, alpha0)
    y.sum().backward()
    return z.detach().numpy(), y.detach().numpy(), z.grad.numpy()


def kink_paths(act, kinks, alpha0):
    """f'(k) at each kink through ATen's scalar code (a 1-element tensor) and
    its vectorised code (64 copies); returns the kinks where they disagree."""
    bad = []
    for k in kinks:
        d = []
        for n in (1, 64):
            z = torch.full((n,), k, requires_grad=True)
            act(z, alpha0).sum().backward()
            d.append(z.grad.numpy())
        if not (np.all(d[1] == d[0][0])):
            bad.append((k, float(d[0][0]), sorted(set(float(v) for v in d[1]))))
    return bad


def draw_network():
    """Batch, labels and initial weights, the same for every activation."""
    torch.manual_seed(SEED)
    x = torch.randn(BATCH, N_IN)
    x[BATCH - 1].zero_()  # its first-layer pre-activations are b1 exactly
    y = torch.randint(0, N_OUT, (BATCH,))
    Ws, bs = [], []
    for l in range(DEPTH + 1):
        fi = N_IN if l == 0 else WIDTH
        fo = N_OUT if l == DEPTH else WIDTH
        std = INIT_GAIN * math.sqrt(2.0 / (fi + fo))
        Ws.append(torch.randn(fo, fi) * std)
        bs.append((torch.rand(fo) * 2 - 1) * BIAS_RANGE)
    bs[0] = torch.tensor(B1_KINKS)
    return x, y, Ws, bs


def forward(act, x, Ws, bs, lps):
    """act(z, lp) on every hidden layer, lp the layer's learned parameters
    ({NAME: 1-element tensor}); softmax on the output layer."""
    zs, outs = [], []
    h = x
    for l in range(DEPTH + 1):
        z = F.linear(h, Ws[l], bs[l])
        h = act(z, lps[l]) if l < DEPTH else torch.softmax(z, dim=1)
        zs.append(z)
        outs.append(h)
    return zs, outs


def network(act, lp0, x, y, W0, b0):
    """The network's data for act(z, lp); lp0 gives each learned parameter
    NAME its initial value per hidden layer ({NAME: DEPTH values}, in the
    activation's parameter order; {} when none is learned)."""
    Ws = [w.clone().requires_grad_(True) for w in W0]
    bs = [b.clone().requires_grad_(True) for b in b0]
    lps = [{k: torch.full((1,), float(v[l]), requires_grad=True) for k, v in lp0.items()}
           for l in range(DEPTH)]
    params = [p for wb in zip(Ws, bs) for p in wb] + [t for lp in lps for t in lp.values()]
    r = {}
    zs, outs = forward(act, x, Ws, bs, lps)
    loss = F.cross_entropy(zs[-1], y)  # mean over the batch
    loss.backward()
    r["zs"] = [t.detach().numpy().copy() for t in zs]
    r["as"] = [t.detach().numpy().copy() for t in outs]
    r["loss"] = loss.item()
    r["dW"] = [w.grad.numpy().copy() for w in Ws]
    r["db"] = [b.grad.numpy().copy() for b in bs]
    # a learned parameter left out of a layer's graph has no gradient: 0
    r["dlp"] = {k: np.array([0.0 if lp[k].grad is None else lp[k].grad.item() for lp in lps],
                            dtype=np.float32) for k in lp0}
    # actbench's norms: in double, over the float32 gradients
    r["gW_norm"] = [float(np.linalg.norm(g.astype(np.float64))) for g in r["dW"]]
    r["gb_norm"] = [float(np.linalg.norm(g.astype(np.float64))) for g in r["db"]]

    opt = torch.optim.SGD(params, lr=LR)
    losses = []
    for _ in range(STEPS):
        opt.zero_grad()
        zs, _ = forward(act, x, Ws, bs, lps)
        loss = F.cross_entropy(zs[-1], y)
        losses.append(loss.item())  # before this step's update
        loss.backward()
        opt.step()
    r["sgd_loss"] = np.array(losses, dtype=np.float32)
    r["lp_final"] = {k: [lp[k].item() for lp in lps] for k in lp0}
    return r


def fmt32(v):
    return "%.9g" % float(np.float32(v))


def write_array(f, name, a, fmt=fmt32):
    a = np.asarray(a)
    if a.ndim == 0:
        a = a.reshape(1, 1)
    elif a.ndim == 1:
        a = a.reshape(1, -1)
    f.write(f"array {name} {a.shape[0]} {a.shape[1]}\n")
    for row in a:
        if len(row):
            f.write(" ".join(fmt(v) for v in row) + "\n")


def write_header(f, kink_doc):
    f.write(f"# Generated by scripts/torch_reference.py (torch {torch.__version__}, "
            f"numpy {np.__version__}); do not edit.\n")
    f.write("# Regenerate: /usr/bin/python3 scripts/torch_reference.py\n")
    f.write(f"# Network: {N_IN} inputs, {DEPTH} hidden layers of {WIDTH}, {N_OUT} classes, "
            f"softmax cross-entropy (mean), batch {BATCH}, float32, SGD lr {LR}.\n")
    f.write(f"# Kinks: {kink_doc if kink_doc else 'none'}\n")


def write_network(f, net, x, y, W0, b0, lp0):
    """The network's arrays; lp0 as network() takes it."""
    write_array(f, "x", x.numpy())
    write_array(f, "y", y.numpy(), fmt=lambda v: "%d" % int(v))
    for l in range(DEPTH + 1):
        write_array(f, f"W{l + 1}", W0[l].numpy())
        write_array(f, f"b{l + 1}", b0[l].numpy())
    for k, v in lp0.items():
        write_array(f, k, np.array(v, dtype=np.float32))
    for l in range(DEPTH + 1):
        write_array(f, f"z{l + 1}", net["zs"][l])
        write_array(f, f"a{l + 1}", net["as"][l])
    write_array(f, "loss", np.float32(net["loss"]))
    for l in range(DEPTH + 1):
        write_array(f, f"dW{l + 1}", net["dW"][l])
        write_array(f, f"db{l + 1}", net["db"][l])
    for k in lp0:
        write_array(f, "d" + k, net["dlp"][k])
    dfmt = lambda v: "%.17g" % v
    write_array(f, "gW_norm", np.array(net["gW_norm"]), fmt=dfmt)
    write_array(f, "gb_norm", np.array(net["gb_norm"]), fmt=dfmt)
    write_array(f, "sgd_loss", net["sgd_loss"])


def write_file(name, kinks, kink_doc, pts, net, x, y, W0, b0, lp0):
    path = os.path.join(OUT_DIR, name + ".txt")
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        write_header(f, kink_doc)
        f.write(f"activation {name}\n")
        write_array(f, "kinks", np.array(kinks, dtype=np.float32))
        z, fz, dfz = pts
        write_array(f, "pts_z", z)
        write_array(f, "pts_f", fz)
        write_array(f, "pts_df", dfz)
        write_network(f, net, x, y, W0, b0, lp0)
    os.replace(tmp, path)


# ---------------------------------------------------------------------------
# Batch normalisation and residual connections: tests/data/torch_ref/net_*.txt

NET_SEED = 20240613
NET_IN, NET_DEPTH, NET_WIDTH, NET_OUT, NET_BATCH = 5, 3, 8, 3, 16
NET_STEPS = 5
BN_EPS, BN_MOMENTUM = 1e-5, 0.1
GAMMA_RANGE = (0.5, 1.5)  # gammas drawn away from 1, so dL/dgamma matters

# case -> (activation, batchnorm, residual)
NET_CASES = {
    "net_bn_tanh": ("tanh", True, False),
    "net_bn_relu": ("relu", True, False),
    "net_bn_res_tanh": ("tanh", True, True),
    "net_bn_res_relu": ("relu", True, True),
    "net_res_tanh": ("tanh", False, True),
    "net_res_relu": ("relu", False, True),
}


def draw_options_network():
    """Batches, labels, weights, biases (betas) and gammas of every case."""
    torch.manual_seed(NET_SEED)
    x = torch.randn(NET_BATCH, NET_IN)
    y = torch.randint(0, NET_OUT, (NET_BATCH,))
    x_eval = torch.randn(NET_BATCH, NET_IN) * 1.5
    y_eval = torch.randint(0, NET_OUT, (NET_BATCH,))
    Ws, bs, gammas = [], [], []
    for l in range(NET_DEPTH + 1):
        fi = NET_IN if l == 0 else NET_WIDTH
        fo = NET_OUT if l == NET_DEPTH else NET_WIDTH
        Ws.append(torch.randn(fo, fi) * (INIT_GAIN * math.sqrt(2.0 / (fi + fo))))
        bs.append((torch.rand(fo) * 2 - 1) * BIAS_RANGE)
        if l < NET_DEPTH:
            lo, hi = GAMMA_RANGE
            gammas.append(lo + (hi - lo) * torch.rand(fo))
    return x, y, x_eval, y_eval, Ws, bs, gammas


def options_forward(act, bn, res, x, Ws, bs, gammas, rms, rvs, training):
    """Per layer z, bn, h, a; the output layer's a are softmax probabilities.
    In training mode F.batch_norm updates rms and rvs in place."""
    out = {"z": [], "bn": [], "h": [], "a": []}
    a = x
    for l in range(NET_DEPTH + 1):
        if l == NET_DEPTH:
            z = F.linear(a, Ws[l], bs[l])
            out["z"].append(z)
            out["a"].append(torch.softmax(z, dim=1))
            break
        if bn:
            z = F.linear(a, Ws[l])  # no bias: beta takes its place
            yv = F.batch_norm(z, rms[l], rvs[l], gammas[l], bs[l], training=training,
                              momentum=BN_MOMENTUM, eps=BN_EPS)
        else:
            z = F.linear(a, Ws[l], bs[l])
            yv = z
        h = act(yv, None)
        a = a + h if res and l >= 1 else h
        for k, v in (("z", z), ("bn", yv), ("h", h), ("a", a)):
            out[k].append(v)
    return out


def options_network(act, bn, res, drawn):
    x, y, x_eval, y_eval, W0, b0, g0 = drawn
    Ws = [w.clone().requires_grad_(True) for w in W0]
    bs = [b.clone().requires_grad_(True) for b in b0]
    gammas = [g.clone().requires_grad_(bn) for g in g0]
    rms = [torch.zeros(NET_WIDTH) for _ in range(NET_DEPTH)]
    rvs = [torch.ones(NET_WIDTH) for _ in range(NET_DEPTH)]
    params = [p for wb in zip(Ws, bs) for p in wb] + (gammas if bn else [])
    r = {}
    # the recorded pass normalises with the batch's statistics but leaves
    # the running ones alone (clones), as actbench's NET_PROBE does
    out = options_forward(act, bn, res, x, Ws, bs, gammas, [m.clone() for m in rms],
                          [v.clone() for v in rvs], True)
    loss = F.cross_entropy(out["z"][-1], y)
    loss.backward()
    for k in out:
        r[k] = [t.detach().numpy().copy() for t in out[k]]
    r["loss"] = loss.item()
    r["dW"] = [w.grad.numpy().copy() for w in Ws]
    r["db"] = [b.grad.numpy().copy() for b in bs]
    r["dgamma"] = [g.grad.numpy().copy() for g in gammas] if bn else None
    r["gW_norm"] = [float(np.linalg.norm(g.astype(np.float64))) for g in r["dW"]]
    r["gb_norm"] = [float(np.linalg.norm(g.astype(np.float64))) for g in r["db"]]

    opt = torch.optim.SGD(params, lr=LR)
    losses = []
    for _ in range(NET_STEPS):
        opt.zero_grad()
        out = options_forward(act, bn, res, x, Ws, bs, gammas, rms, rvs, True)
        loss = F.cross_entropy(out["z"][-1], y)
        losses.append(loss.item())  # before this step's update
        loss.backward()
        opt.step()
    r["sgd_loss"] = np.array(losses, dtype=np.float32)
    r["running_mean"] = [m.numpy().copy() for m in rms]
    r["running_var"] = [v.numpy().copy() for v in rvs]
    with torch.no_grad():
        out = options_forward(act, bn, res, x_eval, Ws, bs, gammas, rms, rvs, False)
        r["eval_a"] = [t.numpy().copy() for t in out["a"]]
        r["eval_loss"] = F.cross_entropy(out["z"][-1], y_eval).item()
    return r


def write_options_file(name, act_name, bn, res, drawn, r):
    x, y, x_eval, y_eval, W0, b0, g0 = drawn
    path = os.path.join(OUT_DIR, name + ".txt")
    tmp = path + ".tmp"
    L = NET_DEPTH + 1
    with open(tmp, "w", encoding="ascii") as f:
        f.write(f"# Generated by scripts/torch_reference.py (torch {torch.__version__}, "
                f"numpy {np.__version__}); do not edit.\n")
        f.write("# Regenerate: /usr/bin/python3 scripts/torch_reference.py\n")
        f.write(f"# Network: {NET_IN} inputs, {NET_DEPTH} hidden layers of {NET_WIDTH}, "
                f"{NET_OUT} classes, softmax cross-entropy (mean), batch {NET_BATCH}, float32, "
                f"batchnorm {'on' if bn else 'off'} (eps {BN_EPS:g}, momentum "
                f"{BN_MOMENTUM:g}), residual {'on' if res else 'off'}, {NET_STEPS} SGD steps "
                f"lr {LR}.\n")
        f.write("# b<l> of a batchnorm layer is its beta; z before, bn after batchnorm, "
                "h = f(bn), a passed on.\n")
        f.write(f"activation {act_name}\n")
        write_array(f, "batchnorm", np.array([1 if bn else 0]), fmt=lambda v: "%d" % int(v))
        write_array(f, "residual", np.array([1 if res else 0]), fmt=lambda v: "%d" % int(v))
        write_array(f, "x", x.numpy())
        write_array(f, "y", y.numpy(), fmt=lambda v: "%d" % int(v))
        for l in range(L):
            write_array(f, f"W{l + 1}", W0[l].numpy())
            write_array(f, f"b{l + 1}", b0[l].numpy())
        if bn:
            for l in range(NET_DEPTH):
                write_array(f, f"gamma{l + 1}", g0[l].numpy())
        for l in range(L):
            write_array(f, f"z{l + 1}", r["z"][l])
            if l < NET_DEPTH:
                write_array(f, f"bn{l + 1}", r["bn"][l])
                write_array(f, f"h{l + 1}", r["h"][l])
            write_array(f, f"a{l + 1}", r["a"][l])
        write_array(f, "loss", np.float32(r["loss"]))
        for l in range(L):
            write_array(f, f"dW{l + 1}", r["dW"][l])
            write_array(f, f"db{l + 1}", r["db"][l])
        if bn:
            for l in range(NET_DEPTH):
                write_array(f, f"dgamma{l + 1}", r["dgamma"][l])
        dfmt = lambda v: "%.17g" % v
        write_array(f, "gW_norm", np.array(r["gW_norm"]), fmt=dfmt)
        write_array(f, "gb_norm", np.array(r["gb_norm"]), fmt=dfmt)
        write_array(f, "sgd_loss", r["sgd_loss"])
        if bn:
            for l in range(NET_DEPTH):
                write_array(f, f"running_mean{l + 1}", r["running_mean"][l])
                write_array(f, f"running_var{l + 1}", r["running_var"][l])
        write_array(f, "x_eval", x_eval.numpy())
        write_array(f, "y_eval", y_eval.numpy(), fmt=lambda v: "%d" % int(v))
        for l in range(L):
            write_array(f, f"eval_a{l + 1}", r["eval_a"][l])
        write_array(f, "eval_loss", np.float32(r["eval_loss"]))
    os.replace(tmp, path)


def write_options_cases():
    drawn = draw_options_network()
    for name, (act_name, bn, res) in NET_CASES.items():
        r = options_network(ACTS[act_name][0], bn, res, drawn)
        write_options_file(name, act_name, bn, res, drawn, r)
        print(f"{name}: loss {r['loss']:.6f} -> {r['sgd_loss'][-1]:.6f}, "
              f"eval loss {r['eval_loss']:.6f}")


def main():
    torch.set_default_dtype(torch.float32)
    torch.set_num_threads(1)  # a fixed summation order, for reproducible files
    names = registry_names()
    missing = [n for n in names if n not in ACTS]
    if missing:
        sys.exit(f"activations in src/core/act.c without a PyTorch equivalent here: {missing}")
    extra = [n for n in ACTS if n not in names]
    if extra:
        sys.exit(f"activations here but not in src/core/act.c: {extra}")
    os.makedirs(OUT_DIR, exist_ok=True)
    x, y, W0, b0 = draw_network()
    alpha0 = torch.full((1,), PRELU_INIT)
    for name in names:
        act, kinks, kink_doc = ACTS[name]
        learned = name == "prelu"
        for k, scalar, vec in kink_paths(act, kinks, alpha0):
            print(f"warning: {name}: PyTorch {torch.__version__} gives f'({k:g}) = {scalar:g} "
                  f"in its scalar code but {vec} in its vectorised code", file=sys.stderr)
        pts = elementwise(act, alpha0)
        lp0 = {"alpha": [PRELU_INIT] * DEPTH} if learned else {}
        net = network(lambda z, lp: act(z, lp.get("alpha", alpha0)), lp0, x, y, W0, b0)
        write_file(name, kinks, kink_doc, pts, net, x, y, W0, b0, lp0)
        print(f"{name}: loss {net['loss']:.6f} -> {net['sgd_loss'][-1]:.6f}")
    write_options_cases()
    write_custom_cases()
    print(f"wrote {len(names) + len(NET_CASES) + len(CUSTOM)} files to "
          f"{os.path.relpath(OUT_DIR, ROOT)}")


# ---------------------------------------------------------------------------
# User-defined activations: tests/data/torch_ref/custom_<case>.txt
#
# Each case is an actbench spec, a formula (expr:) or a C plugin (plugin:),
# and a PyTorch implementation of the same activation written from its
# definition (the paper's, or PyTorch's own function), not from actbench's
# code; its f, f' and learned parameters' gradients are autograd's.  A
# plugin's path in a spec is @NAME@: test_reference substitutes the built
# plugin's path from the environment variable ACTBENCH_NAME (tests/meson.build
# sets ACTBENCH_BRELU and ACTBENCH_SOFTEXP).
#
# The files hold what NAME.txt holds, with "spec SPEC" (SPEC, spaces and all,
# is the rest of the line) where NAME.txt has "activation NAME", and the
# element-wise data in blocks, each for one set of parameter values and one
# layer width:
#
#   pts_blocks 1 x 1       K, the number of blocks
#   pts<k>_p   1 x NP      block k's parameter values, in the activation's
#                          parameter order (absent without parameters)
#   pts<k>_exact 1 x 1     1: the parameter values are where f switches
#                          formulas (soft exponential's alpha = 0): every
#                          entry is compared exactly, as at a kink
#   pts<k>_z   R x W       the points, laid out as R rows of a layer of W
#                          units: entry (r, u) is unit u (BReLU: even units
#                          relu, odd ones mirrored)
#   pts<k>_f, pts<k>_df    f and f' there, R x W
#   pts<k>_dNAME           df/dNAME there for each learned parameter NAME
#                          (the gradient actbench's pgrad sums), R x W
#
# The network is the built-ins' (draw_network), each learned parameter NAME
# with its own initial value per hidden layer in the array NAME (1 x DEPTH)
# and its gradient in dNAME; the SGD steps update it too.

SE_NET_ALPHAS = [0.3, 0.1, 0.5, 0.2]  # per hidden layer: > 0, so every z is in the domain
# The soft exponential grows exponentially, and through the built-ins'
# weights (gain 1.5) four such layers take the logits to 1e12 and SGD to NaN;
# its cases use those weights times SE_W_SCALE (the biases as they are), which
# keeps every |z| of the recorded pass below 3.5, the loss near 1.2 and, over
# the 10 SGD steps, every alpha positive (the smallest ends at 0.09).
SE_W_SCALE = 0.5
# Element-wise alphas: the exponential side, the logarithmic side and 0.  Not
# below 0.1 on the exponential side: (e^(alpha z) - 1) / alpha, as the spec
# writes it, loses digits to cancellation as alpha -> 0 in either
# implementation, and at alpha 1e-3 one ulp of e^(alpha z) already moves f
# by 1e-4.
SE_ALPHAS = [0.1, 0.3, 0.5, 1.0, 2.0, -0.1, -0.5, -1.0, 0.0]
# For alpha < 0, f = -ln(1 - alpha (z + alpha)) / alpha is defined where
# u = 1 - alpha (z + alpha) > 0: only those points are kept.  The closest to
# the pole is u = 2^-10 (alpha = -1, z = 2^-10, f' = 1024); it passes with the
# usual tolerance, since both sides form u by the same float32 operations.
# Width 3: the second row starts at element 3, an even unit at an odd index,
# so only unit = i % width, not i % 2, gives BReLU's data.
BRELU_WIDTH = 3


def softexp_torch(name):
    """The soft exponential of Godfrey and Gashler (2015) as a PyTorch module
    would write it, branching in Python on the layer's alpha:

        alpha < 0:  -ln(1 - alpha (z + alpha)) / alpha
        alpha = 0:  z
        alpha > 0:  (e^(alpha z) - 1) / alpha + alpha

    At alpha = 0 it returns z itself: f = z, f' = 1, and alpha is not in the
    graph at all, so autograd gives it no gradient (None, which the data
    record as df/dalpha = 0, and SGD leaves such an alpha where it is).  The
    formula's 'a == 0 ? x : ...' makes the same choice.  Mathematically f is
    smooth in alpha there, df/dalpha(0) = 1 + z^2/2 from either side, which
    is what the softexp plugin gives (test_reference knows)."""

    def act(z, lp):
        a = lp[name]
        av = a.item()
        if av < 0.0:
            return -torch.log(1 - a * (z + a)) / a
        if av == 0.0:
            return z
        return (torch.exp(a * z) - 1) / a + a

    return act


def brelu_torch(z, lp):
    """BReLU by masking columns: unit u of a layer (column u of z) is relu(z)
    for even u and -relu(-z) for odd u.  At z = 0 both are 0 with f' = 0:
    relu's backward (threshold_backward) gives 0 at 0, -relu(-z) inherits it,
    and torch.where sends the gradient to the selected branch only."""
    even = torch.arange(z.shape[-1]) % 2 == 0
    return torch.where(even, F.relu(z), -F.relu(-z))


SE_SPEC = "se=expr:a < 0 ? -log(1-a*(x+a))/a : a == 0 ? x : (exp(a*x)-1)/a + a;~a=0.1"

# case -> spec, PyTorch's f(z, lp), parameter names (actbench's order) and
# which are learned, element-wise blocks (parameter values, width, whether
# compared exactly), the
# learned parameters' initial values per layer, a factor for the network's
# weights (w_scale, 1 when absent), kinks and what PyTorch does at them.
CUSTOM = {
    "silu": dict(
        spec="silu_expr=expr:x*sigmoid(x)",
        act=lambda z, lp: z * torch.sigmoid(z),
        params=[], learned=[], blocks=[({}, 1, False)], net_lp={}, kinks=[], kink_doc=None),
    "mish": dict(
        spec="mish_expr=expr:x*tanh(softplus(x))",
        act=lambda z, lp: F.mish(z),
        params=[], learned=[], blocks=[({}, 1, False)], net_lp={}, kinks=[20.0],
        kink_doc="the formula's softplus(t) is t > 20 ? t : log1p(e^t) (PyTorch's threshold "
                 "20), F.mish has no threshold (z tanh(log1p(e^z))): at z = 20 both give f = 20, "
                 "f' = 1 in float32"),
    "gelu_tanh": dict(
        spec="gelu_tanh_expr=expr:0.5*x*(1+tanh(sqrt(2/pi)*(x+0.044715*x^3)))",
        act=lambda z, lp: F.gelu(z, approximate="tanh"),
        params=[], learned=[], blocks=[({}, 1, False)], net_lp={}, kinks=[], kink_doc=None),
    "softexp": dict(
        spec=SE_SPEC,
        act=softexp_torch("a"),
        params=["a"], learned=["a"], blocks=[({"a": v}, 1, v == 0.0) for v in SE_ALPHAS],
        net_lp={"a": SE_NET_ALPHAS}, w_scale=SE_W_SCALE, kinks=[],
        kink_doc="none in z; at a = 0 the module returns z: f = z, f' = 1 and no gradient "
                 "for a (recorded as 0), the formula's a == 0 ? x choice (that block is "
                 "compared exactly)"),
    "brelu": dict(
        spec="plugin:@BRELU@",
        act=brelu_torch,
        params=[], learned=[], blocks=[({}, BRELU_WIDTH, False)], net_lp={}, kinks=[0.0],
        kink_doc="f(0) = 0, f'(0) = 0 on even and odd units (relu's threshold_backward gives "
                 "0 at 0; -relu(-z) inherits it; torch.where passes the gradient to the "
                 "selected branch only)"),
    "softexp_plugin": dict(
        spec="plugin:@SOFTEXP@",
        act=softexp_torch("alpha"),
        params=["alpha"], learned=["alpha"], blocks=[({"alpha": v}, 1, v == 0.0) for v in SE_ALPHAS],
        net_lp={"alpha": SE_NET_ALPHAS}, w_scale=SE_W_SCALE, kinks=[],
        kink_doc="none in z; at alpha = 0 the module returns z: f = z, f' = 1 and no gradient "
                 "for alpha (recorded as 0); the plugin gives the limit 1 + z^2/2 there "
                 "(test_reference checks that instead)"),
}


def custom_points(pv):
    """element_points(), within the domain for a soft exponential alpha < 0."""
    z = element_points()
    a = next(iter(pv.values()), None)
    if a is not None and a < 0.0:
        # as PyTorch computes u, in float32
        a32 = np.float32(a)
        z = z[np.float32(1) - a32 * (z + a32) > 0]
    return z


def custom_block(act, learned, pv, width):
    """f, f' and df/dp for each learned p at the block's points, laid out
    as rows of width units (each point in every unit).  f and f' from one
    autograd pass over the whole block, as elementwise() takes them; df/dp
    one element at a time (the gradient of that element alone), the same
    graph."""
    pts = custom_points(pv)
    # one row when the width does not matter, as NAME.txt's pts_z
    grid = pts.reshape(1, -1) if width == 1 else np.repeat(pts[:, None], width, axis=1)
    z = torch.tensor(grid, requires_grad=True)
    lp = {k: torch.full((1,), float(v), requires_grad=k in learned) for k, v in pv.items()}
    y = act(z, lp)
    (dz,) = torch.autograd.grad(y.sum(), z, retain_graph=True)
    dp = {}
    for k in learned:
        d = np.zeros(z.shape, dtype=np.float32).reshape(-1)
        for i in range(d.size):
            e = torch.zeros(z.numel())
            e[i] = 1.0
            (g,) = torch.autograd.grad(y, lp[k], e.reshape(z.shape), retain_graph=True,
                                       allow_unused=True)
            d[i] = 0.0 if g is None else g.item()
        dp[k] = d.reshape(z.shape)
    return z.detach().numpy(), y.detach().numpy(), dz.numpy(), dp


def custom_kink_paths(act, kinks, lp, width):
    """kink_paths for f(z, lp) on rows of width units: f'(k) of one row
    against 64 rows, unit by unit."""
    bad = []
    for k in kinks:
        d = []
        for rows in (1, 64):
            z = torch.full((rows, width), k, requires_grad=True)
            act(z, lp).sum().backward()
            d.append(z.grad.numpy())
        if not np.all(d[1] == d[0][0]):
            bad.append((k, d[0][0].tolist(), sorted(set(float(v) for v in d[1].reshape(-1)))))
    return bad


def write_custom_file(case, c, blocks, net, x, y, W0, b0):
    path = os.path.join(OUT_DIR, f"custom_{case}.txt")
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        write_header(f, c["kink_doc"])
        f.write("# User-defined activation; PyTorch's side written independently "
                "(CUSTOM in the script).\n")
        f.write(f"spec {c['spec']}\n")
        write_array(f, "kinks", np.array(c["kinks"], dtype=np.float32))
        write_array(f, "pts_blocks", np.array([len(blocks)]), fmt=lambda v: "%d" % int(v))
        for k, (pv, exact, z, fz, dfz, dp) in enumerate(blocks, 1):
            desc = ", ".join(f"{n} = {pv[n]:g}" for n in c["params"]) or "no parameters"
            lay = (f"{z.size} points in one row (any width)" if z.shape[0] == 1 else
                   f"{z.shape[0]} points, each in all {z.shape[1]} units of a row")
            f.write(f"# block {k}: {desc}; {lay}{'; compared exactly' if exact else ''}\n")
            if c["params"]:
                write_array(f, f"pts{k}_p", np.array([pv[n] for n in c["params"]],
                                                     dtype=np.float32))
            write_array(f, f"pts{k}_exact", np.array([1 if exact else 0]),
                        fmt=lambda v: "%d" % int(v))
            write_array(f, f"pts{k}_z", z)
            write_array(f, f"pts{k}_f", fz)
            write_array(f, f"pts{k}_df", dfz)
            for n in c["learned"]:
                write_array(f, f"pts{k}_d{n}", dp[n])
        write_network(f, net, x, y, W0, b0, c["net_lp"])
    os.replace(tmp, path)


def write_custom_cases():
    x, y, W0, b0 = draw_network()
    for case, c in CUSTOM.items():
        act, learned = c["act"], c["learned"]
        blocks = []
        for pv, width, exact in c["blocks"]:
            lp = {k: torch.full((1,), float(v)) for k, v in pv.items()}
            for k, scalar, vec in custom_kink_paths(act, c["kinks"], lp, width):
                print(f"warning: custom_{case}: PyTorch {torch.__version__} gives f'({k:g}) = "
                      f"{scalar} in its scalar code but {vec} in its vectorised code",
                      file=sys.stderr)
            z, fz, dfz, dp = custom_block(act, learned, pv, width)
            if not (np.all(np.isfinite(fz)) and np.all(np.isfinite(dfz))):
                sys.exit(f"custom_{case}: f or f' not finite at {pv}")
            blocks.append((pv, exact, z, fz, dfz, dp))
        Ws = [w * c.get("w_scale", 1.0) for w in W0]
        net = network(act, c["net_lp"], x, y, Ws, b0)
        for k, v in net["lp_final"].items():
            if any(a <= 0.0 for a in v):
                sys.exit(f"custom_{case}: SGD took {k} to {v}: out of the positive side")
        if not np.all(np.isfinite(net["sgd_loss"])):
            sys.exit(f"custom_{case}: SGD diverged: {net['sgd_loss']}")
        write_custom_file(case, c, blocks, net, x, y, Ws, b0)
        print(f"custom_{case}: loss {net['loss']:.6f} -> {net['sgd_loss'][-1]:.6f}")


# ---------------------------------------------------------------------------
# Replaying an actbench run, and the full-batch data of tests/test_fullbatch.c
#
#   /usr/bin/python3 scripts/torch_reference.py --replay WEIGHTS_DIR --csv PATH \
#       --act NAME [--lr 0.1] [--epochs 25]
#
# builds actbench's network from WEIGHTS_DIR/W1.npy, b1.npy, ... (nn.Linear
# layout, the depth is the number of W files minus one; alpha<l>.npy for
# prelu, 0.25 where missing), reads the CSV (numeric features, then an
# integer label; an optional header row; no standardisation), trains with
# full-batch torch.optim.SGD in float32 and prints "step,loss" per step, each
# loss before that step's update.  That is actbench's loss.csv run with
# --data csv:PATH --test-frac 0 --no-standardize --load-weights WEIGHTS_DIR
# --batch <number of rows> --optimizer sgd: its epoch e >= 1 is step e - 1.
#
#   /usr/bin/python3 scripts/torch_reference.py --fullbatch
#
# regenerates tests/data/fullbatch/ (train.csv, weights/, losses.csv).

FB_DIR = os.path.join(ROOT, "tests", "data", "fullbatch")
FB_SEED = 20240612
FB_SAMPLES, FB_IN, FB_CLASSES, FB_DEPTH, FB_WIDTH = 64, 3, 3, 3, 7
FB_LR, FB_STEPS = 0.1, 25
FB_BIAS_RANGE = 0.1
FB_ACTS = ["tanh", "relu", "sigmoid", "gelu", "prelu"]


def read_csv(path):
    """Features (float32) and labels of an actbench CSV; a first row that does
    not parse as numbers is a header."""
    xs, ys = [], []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            line = line.strip()
            if not line:
                continue
            cells = line.split(",")
            try:
                vals = [float(c) for c in cells]
            except ValueError:
                if i == 0 and not xs:
                    continue
                raise
            xs.append([np.float32(v) for v in vals[:-1]])
            ys.append(int(vals[-1]))
    return torch.tensor(np.array(xs, dtype=np.float32)), torch.tensor(ys, dtype=torch.int64)


def load_weights(wdir):
    Ws, bs = [], []
    l = 1
    while os.path.exists(os.path.join(wdir, f"W{l}.npy")):
        Ws.append(torch.tensor(np.load(os.path.join(wdir, f"W{l}.npy")).astype(np.float32)))
        bs.append(torch.tensor(np.load(os.path.join(wdir, f"b{l}.npy")).astype(np.float32)
                               .reshape(-1)))
        l += 1
    if not Ws:
        sys.exit(f"{wdir}: no W1.npy")
    alphas = []
    for l in range(1, len(Ws)):
        ap = os.path.join(wdir, f"alpha{l}.npy")
        a = np.load(ap).astype(np.float32).reshape(1) if os.path.exists(ap) else \
            np.full(1, PRELU_INIT, dtype=np.float32)
        alphas.append(torch.tensor(a))
    return Ws, bs, alphas


def replay(wdir, csv_path, act_name, lr, steps):
    """Losses of full-batch SGD, each before its step's update (float32)."""
    torch.set_default_dtype(torch.float32)
    torch.set_num_threads(1)
    if act_name not in ACTS:
        sys.exit(f"unknown activation {act_name}")
    act = ACTS[act_name][0]
    learned = act_name == "prelu"
    x, y = read_csv(csv_path)
    W0, b0, a0 = load_weights(wdir)
    depth = len(W0) - 1
    Ws = [w.clone().requires_grad_(True) for w in W0]
    bs = [b.clone().requires_grad_(True) for b in b0]
    alphas = [a.clone().requires_grad_(learned) for a in a0]
    params = [p for wb in zip(Ws, bs) for p in wb] + (alphas if learned else [])
    opt = torch.optim.SGD(params, lr=lr)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        h = x
        for l in range(depth + 1):
            z = F.linear(h, Ws[l], bs[l])
            h = act(z, alphas[l]) if l < depth else z
        loss = F.cross_entropy(h, y)
        losses.append(np.float32(loss.item()))
        loss.backward()
        opt.step()
    return losses


def write_fullbatch():
    torch.set_default_dtype(torch.float32)
    torch.set_num_threads(1)
    torch.manual_seed(FB_SEED)
    wdir = os.path.join(FB_DIR, "weights")
    os.makedirs(wdir, exist_ok=True)
    x = torch.randn(FB_SAMPLES, FB_IN)
    y = torch.randint(0, FB_CLASSES, (FB_SAMPLES,))
    csv_path = os.path.join(FB_DIR, "train.csv")
    with open(csv_path, "w", encoding="ascii") as f:
        f.write(",".join(f"x{i + 1}" for i in range(FB_IN)) + ",label\n")
        for row, lab in zip(x.numpy(), y.numpy()):
            f.write(",".join(fmt32(v) for v in row) + ",%d\n" % int(lab))
    for l in range(FB_DEPTH + 1):
        fi = FB_IN if l == 0 else FB_WIDTH
        fo = FB_CLASSES if l == FB_DEPTH else FB_WIDTH
        W = torch.randn(fo, fi) * math.sqrt(2.0 / (fi + fo))
        b = (torch.rand(fo) * 2 - 1) * FB_BIAS_RANGE
        np.save(os.path.join(wdir, f"W{l + 1}.npy"), W.numpy().astype(np.float32))
        np.save(os.path.join(wdir, f"b{l + 1}.npy"), b.numpy().astype(np.float32))
        if l < FB_DEPTH:
            np.save(os.path.join(wdir, f"alpha{l + 1}.npy"),
                    np.full(1, PRELU_INIT, dtype=np.float32))
    # the losses from the files just written, as --replay reads them
    with open(os.path.join(FB_DIR, "losses.csv"), "w", encoding="ascii") as f:
        f.write("act,step,loss\n")
        for name in FB_ACTS:
            losses = replay(wdir, csv_path, name, FB_LR, FB_STEPS)
            for i, v in enumerate(losses):
                f.write(f"{name},{i},{fmt32(v)}\n")
            print(f"{name}: loss {losses[0]:.6f} -> {losses[-1]:.6f}")
    print(f"wrote {os.path.relpath(FB_DIR, ROOT)}")


def cli():
    import argparse
    ap = argparse.ArgumentParser(description="PyTorch reference data for actbench; "
                                 "without options regenerates tests/data/torch_ref/.")
    ap.add_argument("--custom", action="store_true",
                    help="regenerate only tests/data/torch_ref/custom_*.txt (the user-defined "
                    "activations)")
    ap.add_argument("--fullbatch", action="store_true",
                    help="regenerate tests/data/fullbatch/ instead")
    ap.add_argument("--replay", metavar="WEIGHTS_DIR",
                    help="replay a full-batch SGD run from actbench's .npy weights")
    ap.add_argument("--csv", metavar="PATH", help="training CSV for --replay")
    ap.add_argument("--act", metavar="NAME", help="activation for --replay")
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--epochs", type=int, default=25, help="SGD steps for --replay")
    args = ap.parse_args()
    if args.replay:
        if not args.csv or not args.act:
            ap.error("--replay needs --csv and --act")
        print("step,loss")
        for i, v in enumerate(replay(args.replay, args.csv, args.act, args.lr, args.epochs)):
            print(f"{i},{fmt32(v)}")
    elif args.fullbatch:
        write_fullbatch()
    elif args.custom:
        torch.set_default_dtype(torch.float32)
        torch.set_num_threads(1)
        write_custom_cases()
    else:
        main()


if __name__ == "__main__":
    cli()
