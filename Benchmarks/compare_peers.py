#!/usr/bin/env python3
"""Compare Tessera with NumPy and JAX on the seed's workloads, in one run on this machine.

Workloads (float32 throughout):
  polynomial_eager   f(x) = -4x^3 + 9x^2 + 6x - 3 op by op (NumPy; jnp ops un-jitted; Tessera eager)
  polynomial_jit     the same compiled (jax.jit; Tessera jit); NumPy has no compiler, so
                     its row repeats the NumPy eager time
  matmul             n x n @ n x n
  eager_add_100      one dispatch of a 100-element add (seconds per op)
  grad_polynomial    jit(grad(sum(f(x)))) at 10^6 (NumPy: the hand-written derivative)
  per_example_grads  jit(vmap(grad(loss))) of a small MLP over a batch of 128 (JAX, Tessera)

Tessera's timings come from `tessera-conformance --bench` (built in release), one run per
backend given with --backend (default: every backend the binary registers).

Usage:
  python3 Benchmarks/compare_peers.py                 # full sizes (polynomial 10^3..10^8, matmul 256..4096)
  python3 Benchmarks/compare_peers.py --small         # polynomial 10^3..10^6, matmul 256..1024
  python3 Benchmarks/compare_peers.py --backend reference --backend blas

Writes Benchmarks/results/peer_comparison.{json,md,png} and prints the table.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import textwrap
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def median_time(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def data(n, seed):
    return np.random.default_rng(seed).uniform(-1, 1, n).astype(np.float32)


def repeats_for(n):
    return 3 if n >= 10_000_000 else 5 if n >= 1_000_000 else 20


def numpy_timings(poly_sizes, matmul_sizes):
    out = []

    def f(x):
        return -4 * x * x * x + 9 * x * x + 6 * x - 3

    for n in poly_sizes:
        x = data(n, 1)
        t = median_time(lambda: f(x), repeats_for(n))
        out.append(("polynomial_eager", n, t))
        out.append(("polynomial_jit", n, t))
    for n in matmul_sizes:
        a, b = data(n * n, 2).reshape(n, n), data(n * n, 3).reshape(n, n)
        out.append(("matmul", n, median_time(lambda: a @ b, 2 if n >= 2048 else 5)))
    u, v = data(100, 4), data(100, 5)

    def adds():
        for _ in range(1001):
            u + v

    out.append(("eager_add_100", 100, median_time(adds, 5) / 1001))
    gx = data(1_000_000, 6)
    out.append(("grad_polynomial", 1_000_000, median_time(lambda: -12 * gx * gx + 18 * gx + 6, 5)))
    return out


def jax_timings(poly_sizes, matmul_sizes):
    import jax
    import jax.numpy as jnp

    out = []

    def f(x):
        return -4 * x * x * x + 9 * x * x + 6 * x - 3

    fast = jax.jit(f)
    for n in poly_sizes:
        x = jnp.asarray(data(n, 1))
        r = repeats_for(n)
        out.append(("polynomial_eager", n, median_time(lambda: f(x).block_until_ready(), r)))
        out.append(("polynomial_jit", n, median_time(lambda: fast(x).block_until_ready(), r)))
    for n in matmul_sizes:
        a = jnp.asarray(data(n * n, 2).reshape(n, n))
        b = jnp.asarray(data(n * n, 3).reshape(n, n))
        out.append(("matmul", n, median_time(lambda: (a @ b).block_until_ready(), 2 if n >= 2048 else 5)))
    u, v = jnp.asarray(data(100, 4)), jnp.asarray(data(100, 5))

    def adds():
        for _ in range(1000):
            u + v
        (u + v).block_until_ready()

    out.append(("eager_add_100", 100, median_time(adds, 5) / 1001))
    g = jax.jit(jax.grad(lambda x: f(x).sum()))
    gx = jnp.asarray(data(1_000_000, 6))
    out.append(("grad_polynomial", 1_000_000, median_time(lambda: g(gx).block_until_ready(), 5)))

    def loss(w, x):
        h = jnp.tanh(x @ w[:32])
        return ((h @ w[32:96]) * 0.1).sum()

    per_example = jax.jit(jax.vmap(jax.grad(loss), in_axes=(None, 0)))
    w = jnp.asarray(data(96 * 64, 7).reshape(96, 64) * 0.2)
    xs = jnp.asarray(data(128 * 32, 8).reshape(128, 1, 32))
    out.append(("per_example_grads", 128, median_time(lambda: per_example(w, xs).block_until_ready(), 5)))
    return out


def tessera_timings(binary, backends, poly_sizes, matmul_sizes):
    cmd = [binary, "--bench", "--polynomial-sizes", ",".join(map(str, poly_sizes)),
           "--matmul-sizes", ",".join(map(str, matmul_sizes))]
    for b in backends:
        cmd += ["--backend", b]
    print("running:", " ".join(cmd), file=sys.stderr)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=True)
    return [(t["backend"], t["workload"], t["size"], t["seconds"]) for t in json.loads(proc.stdout)]


def machine_description():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def fmt(t):
    if t is None:
        return "-"
    if t < 1e-3:
        return f"{t * 1e6:.1f} us"
    if t < 1:
        return f"{t * 1e3:.2f} ms"
    return f"{t:.2f} s"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--small", action="store_true", help="polynomial 10^3..10^6 and matmul 256..1024")
    ap.add_argument("--poly-sizes", help="comma-separated polynomial sizes (overrides --small)")
    ap.add_argument("--matmul-sizes", help="comma-separated matmul sizes (overrides --small)")
    ap.add_argument("--backend", action="append", default=[], help="Tessera backend (repeatable; default all)")
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "tessera-conformance"))
    ap.add_argument("--no-build", action="store_true", help="do not run `swift build -c release` first")
    ap.add_argument("--out-dir", default=os.path.join(HERE, "results"))
    args = ap.parse_args()

    if args.small:
        poly_sizes = [10 ** k for k in range(3, 7)]
        matmul_sizes = [256, 512, 1024]
    else:
        poly_sizes = [10 ** k for k in range(3, 9)]
        matmul_sizes = [256, 512, 1024, 2048, 4096]
    if args.poly_sizes:
        poly_sizes = [int(v) for v in args.poly_sizes.split(",")]
    if args.matmul_sizes:
        matmul_sizes = [int(v) for v in args.matmul_sizes.split(",")]

    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "tessera-conformance"], cwd=ROOT, check=True)

    started = datetime.datetime.now(datetime.timezone.utc)
    rows = {}  # (workload, size) -> {column: seconds}
    for w, n, t in numpy_timings(poly_sizes, matmul_sizes):
        rows.setdefault((w, n), {})["numpy"] = t
    for w, n, t in jax_timings(poly_sizes, matmul_sizes):
        rows.setdefault((w, n), {})["jax"] = t
    tessera_columns = []
    for b, w, n, t in tessera_timings(args.binary, args.backend, poly_sizes, matmul_sizes):
        col = f"tessera-{b}"
        if col not in tessera_columns:
            tessera_columns.append(col)
        rows.setdefault((w, n), {})[col] = t

    columns = ["numpy", "jax"] + tessera_columns
    header = ["workload", "size"] + columns + [f"{c} / numpy" for c in tessera_columns] + [f"{c} / jax" for c in tessera_columns]
    table = []
    for (w, n), r in rows.items():
        line = [w, str(n)] + [fmt(r.get(c)) for c in columns]
        for base in ("numpy", "jax"):
            for c in tessera_columns:
                line.append(f"{r[c] / r[base]:.2f}x" if c in r and base in r else "-")
        table.append(line)

    md = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    md += ["| " + " | ".join(line) + " |" for line in table]
    jax_version = __import__("jax").__version__
    build = "release" if "/release/" in args.binary else "debug" if "/debug/" in args.binary else args.binary
    note = (f"Measured {started:%Y-%m-%d %H:%M} UTC on {machine_description()}; "
            f"NumPy {np.__version__}, JAX {jax_version} (CPU), Tessera {build} build. "
            "Times are medians; ratios above 1 mean Tessera is slower.")
    os.makedirs(args.out_dir, exist_ok=True)
    with open(os.path.join(args.out_dir, "peer_comparison.md"), "w") as fh:
        fh.write(note + "\n\n" + "\n".join(md) + "\n")
    with open(os.path.join(args.out_dir, "peer_comparison.json"), "w") as fh:
        json.dump({"note": note, "rows": [{"workload": w, "size": n, **r} for (w, n), r in rows.items()]}, fh, indent=1)

    widths = [max(len(header[i]), *(len(l[i]) for l in table)) for i in range(len(header))]
    print(note)
    print("  ".join(h.ljust(widths[i]) for i, h in enumerate(header)))
    for line in table:
        print("  ".join(c.ljust(widths[i]) for i, c in enumerate(line)))

    draw_chart(rows, columns, note, os.path.join(args.out_dir, "peer_comparison.png"))


def draw_chart(rows, columns, note, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [f"{w}\n{n:,}" for (w, n) in rows]
    fig, ax = plt.subplots(figsize=(max(10, len(labels) * 0.8), 6))
    width = 0.8 / len(columns)
    for i, c in enumerate(columns):
        xs = [k + i * width for k in range(len(labels))]
        ys = [r.get(c, float("nan")) for r in rows.values()]
        ax.bar(xs, ys, width, label=c)
    ax.set_yscale("log")
    ax.set_ylabel("seconds (median, log scale)")
    ax.set_xticks([k + 0.4 - width / 2 for k in range(len(labels))])
    ax.set_xticklabels(labels, rotation=60, ha="right", fontsize=7)
    ax.legend()
    ax.set_title("Tessera vs NumPy and JAX\n" + textwrap.fill(note, 140), fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"chart: {path}")


if __name__ == "__main__":
    main()
