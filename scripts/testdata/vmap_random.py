"""jax.vmap of random functions over a batch of keys (JAX's default threefry PRNG).

Writes Tests/TesseraTests/Data/vmap_random.json.
"""
import json
import os

import jax
import jax.numpy as jnp
import numpy as np

keys = jax.random.split(jax.random.PRNGKey(42), 4)


def enc(a):
    a = np.asarray(a)
    return {"shape": list(a.shape), "values": [float(v) if a.dtype.kind == "f" else int(v) for v in a.reshape(-1)]}


data = {
    "keys": enc(keys),
    "normal": enc(jax.vmap(lambda k: jax.random.normal(k, (3,)))(keys)),
    "uniform": enc(jax.vmap(lambda k: jax.random.uniform(k, (2, 2)))(keys)),
    "split": enc(jax.vmap(lambda k: jax.random.split(k, 3))(keys)),
    "fold_in": enc(jax.vmap(lambda k, d: jax.random.fold_in(k, d))(keys, jnp.arange(4, dtype=jnp.uint32))),
    "randint": enc(jax.vmap(lambda k: jax.random.randint(k, (5,), 0, 10))(keys)),
    "permutation": enc(jax.vmap(lambda k: jax.random.permutation(k, 6))(keys)),
}
out = os.path.join(os.path.dirname(__file__), "../../Tests/TesseraTests/Data/vmap_random.json")
with open(out, "w") as f:
    json.dump(data, f)
print("wrote", os.path.normpath(out))
