"""JAX on the workloads of the Transformations benchmarks' gradient and vmap families.

Same shapes and the same definitions as Benchmarks/Benchmarks/Transformations/
{MLPModel,GradientBenchmarks,VmapBenchmarks,JitBenchmarks}.swift, so that the Swift
benchmark run and this script (run right after it, on the same machine) give ratios:

  MLP 784-512-512-10 b256 forward (jit) / grad (jit)      float32, tanh, softmax cross-entropy
  eager grad polynomial scalar                             jax.grad(f)(1.5), not jitted
  vmap matvec 1024 x b256 / matmul equivalent 1024 x b256  jit(vmap(m @ v)) vs jit(v @ m.T)
  per-example grads jit(vmap(grad)) b256 / loop of jit(grad) b256
  per-example grads peer MLP 32-64-64 b128                 compare_peers.py's per_example_grads

Usage: python3 Benchmarks/transformations_peers.py [--repeats N]
Prints one line per workload: median, p25, p75 (after one warm-up call).
"""
import argparse
import statistics
import time

import jax
import jax.numpy as jnp
import numpy as np


def timings(fn, repeats):
    fn()
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    out.sort()
    return out


def interleaved(a, b, repeats):
    """Median over iterations of time(a) / time(b), a and b alternated in each iteration."""
    a(), b()
    ratios = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        a()
        t1 = time.perf_counter()
        b()
        t2 = time.perf_counter()
        ratios.append((t1 - t0) / (t2 - t1))
    return statistics.median(ratios)


def fmt(t):
    if t < 1e-3:
        return f"{t * 1e6:9.1f} us"
    if t < 1:
        return f"{t * 1e3:9.2f} ms"
    return f"{t:9.2f} s "


def report(name, ts):
    q = statistics.quantiles(ts, n=4) if len(ts) >= 4 else [ts[0], statistics.median(ts), ts[-1]]
    print(f"{name:55s} median {fmt(statistics.median(ts))}  p25 {fmt(q[0])}  p75 {fmt(q[2])}  (n={len(ts)})")
    return statistics.median(ts)


def loss(p, x, y):
    h1 = jnp.tanh(x @ p["w1"] + p["b1"])
    h2 = jnp.tanh(h1 @ p["w2"] + p["b2"])
    logits = h2 @ p["w3"] + p["b3"]
    return -(jax.nn.log_softmax(logits, axis=-1) * y).sum(axis=1).mean()


def polynomial(x):
    return -4 * x * x * x + 9 * x * x + 6 * x - 3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=20)
    args = ap.parse_args()
    r = args.repeats
    rng = np.random.default_rng(0)
    f32 = np.float32
    p = {"w1": jnp.asarray(rng.normal(size=(784, 512)).astype(f32) * 0.03), "b1": jnp.zeros(512, f32),
         "w2": jnp.asarray(rng.normal(size=(512, 512)).astype(f32) * 0.04), "b2": jnp.zeros(512, f32),
         "w3": jnp.asarray(rng.normal(size=(512, 10)).astype(f32) * 0.04), "b3": jnp.zeros(10, f32)}
    x = jnp.asarray(rng.normal(size=(256, 784)).astype(f32))
    y = jax.nn.one_hot(rng.integers(0, 10, size=256), 10, dtype=jnp.float32)
    print(f"jax {jax.__version__} on {jax.devices()[0]}")

    forward = jax.jit(loss)
    backward = jax.jit(jax.grad(loss))
    tf = report("MLP 784-512-512-10 b256 forward (jit)", timings(lambda: forward(p, x, y).block_until_ready(), r))
    tg = report("MLP 784-512-512-10 b256 grad (jit)",
                timings(lambda: jax.block_until_ready(backward(p, x, y)), r))
    print(f"{'  grad / forward':55s} {tg / tf:.2f}x")
    ratio = interleaved(lambda: jax.block_until_ready(backward(p, x, y)), lambda: forward(p, x, y).block_until_ready(), r * 2)
    print(f"{'  grad / forward interleaved (median of ratios)':55s} {ratio:.2f}x")

    df = jax.grad(polynomial)
    s = jnp.asarray(1.5, dtype=jnp.float32)
    report("eager grad polynomial scalar", timings(lambda: df(s).block_until_ready(), max(r, 50)))

    def single(p, xi, yi):
        return jax.grad(loss)(p, xi.reshape(1, 784), yi.reshape(1, 10))

    per_example = jax.jit(jax.vmap(single, in_axes=(None, 0, 0)))
    single_jit = jax.jit(single)
    tv = report("per-example grads jit(vmap(grad)) b256",
                timings(lambda: jax.block_until_ready(per_example(p, x, y)), max(3, r // 4)))
    rows = [x[i] for i in range(256)]
    labels = [y[i] for i in range(256)]

    def loop():
        last = None
        for i in range(256):
            last = single_jit(p, rows[i], labels[i])
        jax.block_until_ready(last)

    tl = report("per-example grads loop of jit(grad) b256", timings(loop, max(3, r // 4)))
    print(f"{'  vmap / loop':55s} {tv / tl:.2f}x")
    ratio = interleaved(lambda: jax.block_until_ready(per_example(p, x, y)), loop, max(3, r // 4))
    print(f"{'  vmap / loop interleaved (median of ratios)':55s} {ratio:.2f}x")

    def peer_loss(w, x):
        h = jnp.tanh(x @ w[:32])
        return ((h @ w[32:96]) * 0.1).sum()

    peer = jax.jit(jax.vmap(jax.grad(peer_loss), in_axes=(None, 0)))
    pw = jnp.asarray(rng.normal(size=(96, 64)).astype(f32) * 0.2)
    pxs = jnp.asarray(rng.uniform(-1, 1, size=(128, 1, 32)).astype(f32))
    report("per-example grads peer MLP 32-64-64 b128 jit(vmap(grad))",
           timings(lambda: peer(pw, pxs).block_until_ready(), max(r, 50)))

    m = jnp.asarray(rng.normal(size=(1024, 1024)).astype(f32))
    vs = jnp.asarray(rng.normal(size=(256, 1024)).astype(f32))
    matvec = jax.jit(jax.vmap(lambda v: m @ v))
    as_matmul = jax.jit(lambda v: v @ m.T)
    tm = report("vmap matvec 1024 x b256", timings(lambda: matvec(vs).block_until_ready(), r))
    te = report("matmul equivalent 1024 x b256", timings(lambda: as_matmul(vs).block_until_ready(), r))
    print(f"{'  vmap matvec / matmul':55s} {tm / te:.2f}x")
    ratio = interleaved(lambda: matvec(vs).block_until_ready(), lambda: as_matmul(vs).block_until_ready(), r * 2)
    print(f"{'  vmap matvec / matmul interleaved (median of ratios)':55s} {ratio:.2f}x")


if __name__ == "__main__":
    main()
