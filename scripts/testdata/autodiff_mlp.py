"""Reference gradients of a small MLP loss (tanh hidden layer, softmax cross-entropy),
computed with JAX in float64. Writes Tests/TesseraTests/Data/autodiff_mlp.json.

Run: python3 scripts/testdata/autodiff_mlp.py
"""
import json
import pathlib

import jax

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp
import numpy as np

rng = np.random.default_rng(1234)
n_in, n_hidden, n_out, batch = 5, 7, 3, 4
params = {
    "w1": rng.normal(0, 0.5, (n_in, n_hidden)),
    "b1": rng.normal(0, 0.1, (n_hidden,)),
    "w2": rng.normal(0, 0.5, (n_hidden, n_out)),
    "b2": rng.normal(0, 0.1, (n_out,)),
}
x = rng.normal(0, 1, (batch, n_in))
labels = rng.integers(0, n_out, (batch,))
onehot = np.eye(n_out)[labels]


def loss(p, x, y):
    h = jnp.tanh(x @ p["w1"] + p["b1"])
    logits = h @ p["w2"] + p["b2"]
    logp = logits - jax.scipy.special.logsumexp(logits, axis=1, keepdims=True)
    return -jnp.mean(jnp.sum(y * logp, axis=1))


value, grads = jax.value_and_grad(loss)(params, x, onehot)


def flat(a):
    return [float(v) for v in np.asarray(a).reshape(-1)]


out = {
    "shapes": {k: list(v.shape) for k, v in params.items()},
    "params": {k: flat(v) for k, v in params.items()},
    "x": flat(x),
    "x_shape": list(x.shape),
    "onehot": flat(onehot),
    "loss": float(value),
    "grads": {k: flat(v) for k, v in grads.items()},
}
path = pathlib.Path(__file__).resolve().parents[2] / "Tests/TesseraTests/Data/autodiff_mlp.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print("wrote", path, "loss", float(value))
