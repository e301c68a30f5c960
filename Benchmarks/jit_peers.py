"""JAX's figures for the jit benchmarks of Benchmarks/Transformations/JitBenchmarks.swift,
measured the same way, so that both can be taken in one session on the same (shared) machine:

- jit trace+compile of the seed polynomial (a fresh `jax.jit(f)` lowered and compiled);
- jit call overhead on a 1-element float32 input (dispatch only, as the Swift benchmark:
  calls are not waited for one by one);
- jit(f) and eager f at 10^6 float32 elements (waited for).

Run: `python3 Benchmarks/jit_peers.py` (JAX on CPU). Prints p0/p25/p50 per benchmark.
"""
import time

import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_platforms", "cpu")


def f(x):
    return -4 * x * x * x + 9 * x * x + 6 * x - 3


def stats(name, samples, unit):
    s = np.sort(np.asarray(samples))
    q = lambda p: s[min(len(s) - 1, int(p * len(s)))]
    print(f"{name:40s} p0 {q(0):10.3f} p25 {q(0.25):10.3f} p50 {q(0.5):10.3f} {unit} ({len(s)} samples)")


def timeit(fn, repeat, inner=1):
    out = []
    for _ in range(repeat):
        t = time.perf_counter_ns()
        for _ in range(inner):
            fn()
        out.append((time.perf_counter_ns() - t) / inner)
    return out


one = jnp.asarray(np.array([1.5], dtype=np.float32))
million = jnp.asarray(np.full(1_000_000, 0.25, dtype=np.float32))

# trace+compile: a new jit object each time (JAX caches per function object and signature).
def trace_compile():
    jax.jit(lambda x: f(x)).lower(one).compile()

trace_compile()
stats("jax trace+compile polynomial", [t / 1e3 for t in timeit(trace_compile, 30)], "us")

fast = jax.jit(f)
fast(one).block_until_ready()
def call_many():
    for _ in range(1000):
        fast(one)
    fast(one).block_until_ready()
stats("jax jit call 1 element", [t / 1e3 / 1000 for t in timeit(call_many, 50)], "us")

fast(million).block_until_ready()
stats("jax jit polynomial 1e6 f32", [t / 1e3 for t in timeit(lambda: fast(million).block_until_ready(), 200)], "us")
stats("jax eager polynomial 1e6 f32", [t / 1e3 for t in timeit(lambda: f(million).block_until_ready(), 100)], "us")
