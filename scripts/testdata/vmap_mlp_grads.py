"""Per-example gradients of a small MLP with jax.vmap(jax.grad(loss), in_axes=(None, 0, 0)).

Writes Tests/TesseraTests/Data/vmap_mlp_grads.json: params, xs, ys (float32 values as
lists, row-major) and the per-example gradients for each parameter.
"""
import json
import os

import jax
import jax.numpy as jnp
import numpy as np

rng = np.random.default_rng(5)
din, hidden, dout, batch = 4, 5, 3, 6
params = {
    "w1": rng.normal(size=(din, hidden)).astype(np.float32) * 0.5,
    "b1": rng.normal(size=(hidden,)).astype(np.float32) * 0.1,
    "w2": rng.normal(size=(hidden, dout)).astype(np.float32) * 0.5,
    "b2": rng.normal(size=(dout,)).astype(np.float32) * 0.1,
}
xs = rng.normal(size=(batch, din)).astype(np.float32)
ys = rng.normal(size=(batch, dout)).astype(np.float32)


def loss(p, x, y):
    h = jnp.tanh(x @ p["w1"] + p["b1"])
    out = h @ p["w2"] + p["b2"]
    return jnp.mean((out - y) ** 2)


grads = jax.jit(jax.vmap(jax.grad(loss), in_axes=(None, 0, 0)))(params, xs, ys)
losses = jax.vmap(loss, in_axes=(None, 0, 0))(params, xs, ys)


def enc(a):
    a = np.asarray(a, dtype=np.float64)
    return {"shape": list(a.shape), "values": [float(v) for v in a.reshape(-1)]}


data = {
    "params": {k: enc(v) for k, v in params.items()},
    "xs": enc(xs),
    "ys": enc(ys),
    "grads": {k: enc(v) for k, v in grads.items()},
    "losses": enc(losses),
}
out = os.path.join(os.path.dirname(__file__), "../../Tests/TesseraTests/Data/vmap_mlp_grads.json")
with open(out, "w") as f:
    json.dump(data, f)
print("wrote", os.path.normpath(out))
