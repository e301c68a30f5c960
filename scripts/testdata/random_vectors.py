"""JAX reference vectors for Tessera's PRNG (threefry2x32, jax_threefry_partitionable=True).

Writes Tests/TesseraTests/Data/random_vectors.json. Floats are stored as hex bit patterns
so that tests can compare bits exactly. Run: python3 scripts/testdata/random_vectors.py
"""
import json, os
import numpy as np
import jax
import jax.numpy as jnp

assert jax.config.jax_threefry_partitionable, "expected JAX's default partitionable threefry"
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "TesseraTests", "Data", "random_vectors.json")

def values_of(a):
    a = np.asarray(a)
    if a.dtype.kind == "f":
        return ["0x%0*x" % (a.dtype.itemsize * 2, int(b)) for b in a.view(f"u{a.dtype.itemsize}").ravel().tolist()]
    if a.dtype == np.bool_:
        return [bool(v) for v in a.ravel().tolist()]
    return [int(v) for v in a.ravel().tolist()]

def arr(a):
    a = np.asarray(a)
    return {"dtype": str(a.dtype), "shape": list(a.shape), "values": values_of(a)}

K = jax.random.PRNGKey
out = {"jax": jax.__version__, "keys": [], "split": [], "foldIn": [], "bits": [], "uniform": [],
       "normal": [], "randint": [], "bernoulli": [], "permutation": []}

for s in [0, 1, 42, -1, 2**31, 123456789, 2**32 + 5]:
    out["keys"].append({"seed": s, "key": arr(K(s))})
for s in [0, 42, 7]:
    for n in [1, 2, 3, 5]:
        out["split"].append({"seed": s, "count": n, "out": arr(jax.random.split(K(s), n))})
for s in [0, 42]:
    for d in [0, 1, 7, 123456, 2**31 - 1, 2**32 - 1]:
        out["foldIn"].append({"seed": s, "data": d, "out": arr(jax.random.fold_in(K(s), d))})
out["splitShape"] = {"seed": 4, "shape": [2, 3], "out": arr(jax.random.split(K(4), (2, 3)))}
# keys that are not seeds: a split child, and a key from foldIn
child = jax.random.split(K(3), 4)[2]
out["splitOfChild"] = {"key": arr(child), "out": arr(jax.random.split(child, 3))}
for s in [0, 9]:
    for shape in [(), (1,), (3,), (5,), (2, 3), (4, 1, 3), (0,), (257,)]:
        out["bits"].append({"seed": s, "shape": list(shape), "out": arr(jax.random.bits(K(s), shape))})
for s, shape, dt, lo, hi in [(0, (3,), "float32", 0, 1), (1, (2, 5), "float32", 0, 1), (2, (), "float32", 0, 1),
                             (3, (1001,), "float32", 0, 1), (4, (6,), "float32", -2, 3), (5, (7,), "float16", 0, 1),
                             (6, (4,), "float16", -1, 1), (7, (3, 3), "float32", 5, 5.5),
                             (8, (200,), "float16", 0.3, 7.7), (9, (200,), "float32", -3.3, 1.7)]:
    out["uniform"].append({"seed": s, "shape": list(shape), "dtype": dt, "minval": lo, "maxval": hi,
                           "out": arr(jax.random.uniform(K(s), shape, dtype=dt, minval=lo, maxval=hi))})
for s, shape, dt in [(0, (3,), "float32"), (1, (2, 3), "float32"), (2, (), "float32"), (3, (10000,), "float32"),
                     (4, (10,), "float16"), (5, (1000,), "float16")]:
    out["normal"].append({"seed": s, "shape": list(shape), "dtype": dt,
                          "out": arr(jax.random.normal(K(s), shape, dtype=dt))})
for s, shape, lo, hi, dt in [(0, (10,), 0, 10, "int32"), (1, (10,), -5, 5, "int32"), (2, (4,), 0, 1, "int32"),
                             (3, (3, 3), -1000, 2**31 - 1, "int32"), (4, (5,), 7, 3, "int32"),
                             (5, (6,), 0, 4000000000, "uint32"), (6, (), 100, 200, "int32"),
                             (7, (1000,), -(2**31), 2**31 - 1, "int32")]:
    out["randint"].append({"seed": s, "shape": list(shape), "minval": lo, "maxval": hi, "dtype": dt,
                           "out": arr(jax.random.randint(K(s), shape, np.dtype(dt).type(lo), np.dtype(dt).type(hi), dtype=dt))})
for s, p, shape in [(0, 0.5, (10,)), (1, 0.1, (20,)), (2, 0.9, (3, 4)), (3, 0.5, ())]:
    out["bernoulli"].append({"seed": s, "p": p, "shape": list(shape), "out": arr(jax.random.bernoulli(K(s), p, shape))})
ps = np.array([0.0, 0.25, 0.5, 0.75, 1.0], dtype=np.float32)
out["bernoulliTensorP"] = {"seed": 11, "p": arr(ps), "out": arr(jax.random.bernoulli(K(11), ps))}
for s, n in [(0, 10), (1, 1), (2, 100), (3, 0), (4, 2)]:
    out["permutation"].append({"seed": s, "n": n, "out": arr(jax.random.permutation(K(s), n))})
x = np.arange(15, dtype=np.float32).reshape(5, 3)
out["permutationOfArray"] = {"seed": 5, "x": arr(x), "out": arr(jax.random.permutation(K(5), x))}
x1 = np.arange(8, dtype=np.int32) * 3
out["permutationOf1D"] = {"seed": 6, "x": arr(x1), "out": arr(jax.random.permutation(K(6), x1))}

# XLA's float32 erf_inv and log1p on their whole domain (the samplers' building blocks)
from jax import lax
r = np.random.default_rng(0)
u = np.concatenate([np.linspace(-1, 1, 2001), [np.nextafter(-1, 0), np.nextafter(1, 0), 1e-30, -1e-30, 0.0, -0.0,
                                               1e-7, 0.5, -0.5, 0.99999, -0.99999, 1.0, -1.0],
                    r.uniform(-1, 1, 1500), 1 - 10.0 ** -r.uniform(0, 7, 500)]).astype(np.float32)
out["erfInvF32"] = {"x": arr(u), "out": arr(lax.erf_inv(jnp.asarray(u)))}
v = np.concatenate([-u * u, r.uniform(-1, 10, 1500), 10.0 ** r.uniform(-30, 30, 1000), [0.0, -0.0, 0.414, -0.414, 0.41421357, -0.41421357, -1.0, np.inf]]).astype(np.float32)
out["log1pF32"] = {"x": arr(v), "out": arr(lax.log1p(jnp.asarray(v)))}

jax.config.update("jax_enable_x64", True)
u64 = np.concatenate([np.linspace(-1, 1, 2001), [np.nextafter(-1, 0), np.nextafter(1, 0), 1e-300, 0.0, 1.0, -1.0],
                      r.uniform(-1, 1, 1500), 1 - 10.0 ** -r.uniform(0, 15, 500)])
out["erfInvF64"] = {"x": arr(u64), "out": arr(lax.erf_inv(jnp.asarray(u64)))}
out["x64"] = {
    "uniform": [{"seed": s, "shape": list(shape), "dtype": "float64", "minval": 0, "maxval": 1,
                 "out": arr(jax.random.uniform(K(s), shape, dtype="float64"))} for s, shape in [(0, (5,)), (1, (2, 3))]] +
               [{"seed": 2, "shape": [200], "dtype": "float64", "minval": -3.3, "maxval": 1.7,
                 "out": arr(jax.random.uniform(K(2), (200,), dtype="float64", minval=-3.3, maxval=1.7))}],
    "normal": [{"seed": s, "shape": list(shape), "dtype": "float64",
                "out": arr(jax.random.normal(K(s), shape, dtype="float64"))} for s, shape in [(0, (5,)), (1, (1000,))]],
    "keys": [{"seed": s, "key": arr(K(s))} for s in [-1, 2**32 + 5, 2**40 + 3]],
}
with open(OUT, "w") as f:
    json.dump(out, f)
print("wrote", os.path.normpath(OUT))
