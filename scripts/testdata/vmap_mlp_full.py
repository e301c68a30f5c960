"""Per-example gradients of the benchmark MLP (784-512-512-10, tanh, softmax
cross-entropy) at full width, with jax.jit(jax.vmap(grad, in_axes=(None, 0, 0))).

The inputs are not stored: they come from JAX's default threefry PRNG, which Tessera's
`Random` reproduces bit for bit (key = PRNGKey(0), keys[i] = fold_in(key, i); as
Benchmarks/Benchmarks/Transformations/MLPModel.swift `mlpProblem`, with a batch of 8).
So that the committed file stays small, it holds for every parameter and example the
sum, the sum of squares and 16 elements at fixed flat positions (`positions`), plus the
per-example losses and a few input values to check that the PRNG streams agree.

Writes Tests/TesseraTests/Data/vmap_mlp_full.json.
"""
import json
import os

import jax
import jax.numpy as jnp
import numpy as np

BATCH = 8
key = jax.random.PRNGKey(0)
keys = [jax.random.fold_in(key, i) for i in range(8)]
params = {
    "w1": jax.random.normal(keys[0], (784, 512)) * 0.03, "b1": jnp.zeros(512),
    "w2": jax.random.normal(keys[1], (512, 512)) * 0.04, "b2": jnp.zeros(512),
    "w3": jax.random.normal(keys[2], (512, 10)) * 0.04, "b3": jnp.zeros(10),
}
x = jax.random.normal(keys[3], (BATCH, 784))
y = jax.nn.one_hot(jax.random.randint(keys[4], (BATCH,), 0, 10), 10)


def loss(p, x, y):
    h1 = jnp.tanh(x @ p["w1"] + p["b1"])
    h2 = jnp.tanh(h1 @ p["w2"] + p["b2"])
    logits = h2 @ p["w3"] + p["b3"]
    return -(jax.nn.log_softmax(logits, axis=-1) * y).sum(axis=1).mean()


def single(p, xi, yi):
    return jax.grad(loss)(p, xi.reshape(1, 784), yi.reshape(1, 10))


grads = jax.jit(jax.vmap(single, in_axes=(None, 0, 0)))(params, x, y)
losses = jax.vmap(lambda p, xi, yi: loss(p, xi.reshape(1, 784), yi.reshape(1, 10)), in_axes=(None, 0, 0))(params, x, y)

out = {"batch": BATCH, "losses": [float(v) for v in np.asarray(losses, np.float64)],
       "x_first": [float(v) for v in np.asarray(x, np.float64).reshape(-1)[:8]],
       "w1_first": [float(v) for v in np.asarray(params["w1"], np.float64).reshape(-1)[:8]],
       "labels": [int(v) for v in np.asarray(jnp.argmax(y, axis=1))],
       "grads": {}}
for name, g in grads.items():
    g = np.asarray(g, np.float64).reshape(BATCH, -1)
    size = g.shape[1]
    positions = sorted({(size * k) // 16 + (k * 37) % max(1, size // 16) for k in range(16)})
    out["grads"][name] = {
        "size": size,
        "positions": positions,
        "sum": [float(v) for v in g.sum(axis=1)],
        "abs_sum": [float(v) for v in np.abs(g).sum(axis=1)],
        "sum_squares": [float(v) for v in (g * g).sum(axis=1)],
        "values": [[float(g[b, p]) for p in positions] for b in range(BATCH)],
    }

path = os.path.join(os.path.dirname(__file__), "../../Tests/TesseraTests/Data/vmap_mlp_full.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", os.path.normpath(path), os.path.getsize(path), "bytes")
