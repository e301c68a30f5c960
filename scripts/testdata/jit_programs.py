"""Reference values for Tests/TesseraTests/Jit/JitReferenceDataTests.swift.

Composite programs and structured control flow computed with JAX (jit, lax.cond,
lax.while_loop, lax.fori_loop, lax.scan) on CPU, float32 unless noted.
Writes Tests/TesseraTests/Data/jit_programs.json.
"""
import json
import pathlib

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax


def encode(a):
    a = np.asarray(a)
    out = []
    for v in a.reshape(-1).tolist():
        if isinstance(v, float) and np.isnan(v):
            out.append("nan")
        elif isinstance(v, float) and np.isinf(v):
            out.append("inf" if v > 0 else "-inf")
        else:
            out.append(v)
    return {"shape": list(a.shape), "dtype": str(a.dtype), "data": out}


rng = np.random.default_rng(0)
x = rng.standard_normal((4, 5)).astype(np.float32)
w = rng.standard_normal((5, 3)).astype(np.float32)
b = rng.standard_normal((3,)).astype(np.float32)
v = rng.standard_normal((7,)).astype(np.float32)


def seed(t):
    return -4 * t * t * t + 9 * t * t + 6 * t - 3


def softmax(t):
    e = jnp.exp(t - t.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def mlp(t, w, b):
    return jnp.tanh(jnp.maximum(t @ w + b, 0.0)).sum(axis=0)


def cond_prog(t):
    return lax.cond(t.sum() > 0, lambda y: y * 2.0, lambda y: y - 1.0, t)


def while_prog(t):
    # Halve until the norm is below 0.1; return (value, iterations).
    def body(c):
        return (c[0] * 0.5, c[1] + 1)
    return lax.while_loop(lambda c: jnp.sqrt((c[0] * c[0]).sum()) >= 0.1, body, (t, jnp.int32(0)))


def fori_prog(t):
    return lax.fori_loop(0, 5, lambda i, c: c * 0.9 + t * i.astype(jnp.float32), jnp.zeros_like(t))


def scan_prog(t):
    def step(c, xi):
        c = 0.5 * c + xi
        return c, c * c
    return lax.scan(step, jnp.float32(0), t)


cases = {
    "seed": {"inputs": [encode(v)], "outputs": [encode(jax.jit(seed)(v))]},
    "softmax": {"inputs": [encode(x)], "outputs": [encode(jax.jit(softmax)(x))]},
    "mlp": {"inputs": [encode(x), encode(w), encode(b)], "outputs": [encode(jax.jit(mlp)(x, w, b))]},
    "cond_true": {"inputs": [encode(np.abs(v))], "outputs": [encode(cond_prog(np.abs(v)))]},
    "cond_false": {"inputs": [encode(-np.abs(v))], "outputs": [encode(cond_prog(-np.abs(v)))]},
    "while": {"inputs": [encode(v)], "outputs": [encode(o) for o in while_prog(v)]},
    "fori": {"inputs": [encode(v)], "outputs": [encode(fori_prog(v))]},
    "scan": {"inputs": [encode(v)], "outputs": [encode(o) for o in scan_prog(v)]},
}
out = pathlib.Path(__file__).resolve().parents[2] / "Tests/TesseraTests/Data/jit_programs.json"
out.write_text(json.dumps({"jax": jax.__version__, "cases": cases}, indent=1))
print("wrote", out)
