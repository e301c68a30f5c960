"""Reference values for Tessera's reductions, statistics, index reductions, scans, sorting
and matrix products. Run: python3 scripts/testdata/api_reductions.py"""
import numpy as np
import jax.numpy as jnp
from api_common import Cases, sample, DTYPES, FLOATS, INTS

c = Cases()
NUMERIC = [d for d in DTYPES if d != "bool"]

AXES = [None, [0], [1], [-1], [0, 2], [0, 1, 2]]
for op, fn, dtypes in [("sum", jnp.sum, DTYPES), ("prod", jnp.prod, DTYPES), ("max", jnp.max, DTYPES),
                       ("min", jnp.min, DTYPES), ("all", jnp.all, DTYPES), ("any", jnp.any, DTYPES),
                       ("mean", jnp.mean, DTYPES)]:
    for d in dtypes:
        for axes in AXES:
            for keep in ([False, True] if axes in (None, [1]) else [False]):
                x = sample(d, [2, 3, 4], special=d in FLOATS and op != "prod" and axes == [1],
                           low=-2 if op == "prod" and d in FLOATS else None, high=3 if op == "prod" else None)
                ax = tuple(axes) if axes is not None else None
                c.add(op, lambda x, ax=ax, keep=keep, fn=fn: fn(x, axis=ax, keepdims=keep), [x],
                      {"axes": axes, "keepDims": keep})
    # scalars and zero-size tensors
    c.add(op, lambda x, fn=fn: fn(x), [sample("float32", [])], {"axes": None, "keepDims": False})
    if op not in ("max", "min"):
        c.add(op, lambda x, fn=fn: fn(x, axis=1), [sample("float32", [2, 0])], {"axes": [1], "keepDims": False})
        c.add(op, lambda x, fn=fn: fn(x, axis=0), [sample("int32", [0, 3])], {"axes": [0], "keepDims": False})
    else:
        c.add(op, lambda x, fn=fn: fn(x, axis=0), [sample("float32", [2, 0])], {"axes": [0], "keepDims": False})

for op, fn in [("variance", jnp.var), ("std", jnp.std)]:
    for d in NUMERIC + ["bool"]:
        for axes, ddof, keep in [(None, 0, False), ([0], 1, False), ([1, 2], 0, True), ([-1], 2, False)]:
            ax = tuple(axes) if axes is not None else None
            c.add(op, lambda x, ax=ax, ddof=ddof, keep=keep, fn=fn: fn(x, axis=ax, ddof=ddof, keepdims=keep),
                  [sample(d, [3, 2, 4])], {"axes": axes, "ddof": ddof, "keepDims": keep})
    c.add(op, lambda x, fn=fn: fn(x, axis=0, ddof=1), [np.array([1.0, np.nan, 2.0], np.float32).reshape(3, 1)],
          {"axes": [0], "ddof": 1, "keepDims": False})

# Tessera's indices are int32 whatever the operand's dtype (JAX with x64 off); JAX with x64
# on (used for the 64-bit operands) would give int64, so the expected indices are cast.
def int32_indices(f):
    return lambda *a, **k: f(*a, **k).astype(jnp.int32)


for op, fn in [("argmax", int32_indices(jnp.argmax)), ("argmin", int32_indices(jnp.argmin))]:
    for d in DTYPES:
        for axis in [None, 0, 1, -1]:
            x = sample(d, [3, 4], low=0 if d in INTS else None, high=3 if d in INTS else None)
            c.add(op, lambda x, axis=axis, fn=fn: fn(x, axis=axis), [x], {"axis": axis})
    c.add(op, lambda x, fn=fn: fn(x, axis=1), [np.array([[1, np.nan, 3, np.nan], [np.inf, 2, -np.inf, 0]], np.float32)],
          {"axis": 1})
    c.add(op, lambda x, fn=fn: fn(x), [np.array([2, 5, 5, 1, 5], np.int32)], {"axis": None})

for op, fn in [("cumsum", jnp.cumsum), ("cumprod", jnp.cumprod)]:
    for d in DTYPES:
        for axis in [None, 0, 1, -1]:
            x = sample(d, [3, 4], low=-2 if d in FLOATS else None, high=3 if d != "bool" else None)
            c.add(op, lambda x, axis=axis, fn=fn: fn(x, axis=axis), [x], {"axis": axis})
    c.add(op, lambda x, fn=fn: fn(x, axis=0), [sample("float32", [0, 2])], {"axis": 0})
    c.add(op, lambda x, fn=fn: fn(x, axis=0), [np.array([1, np.nan, 2, np.inf], np.float32)], {"axis": 0})

for op, fn in [("sort", jnp.sort), ("argsort", int32_indices(jnp.argsort))]:
    for d in DTYPES:
        for axis in [0, 1, -1]:
            x = sample(d, [4, 5], special=d in FLOATS, low=0 if d in INTS else None, high=4 if d in INTS else None)
            c.add(op, lambda x, axis=axis, fn=fn: fn(x, axis=axis, stable=True), [x], {"axis": axis})
    c.add(op, lambda x, fn=fn: fn(x, stable=True), [np.array([3, 1, 2, 1, 3, 1], np.int32)], {"axis": -1})
    c.add(op, lambda x, fn=fn: fn(x, stable=True), [sample("float32", [0])], {"axis": -1})

MATMUL_SHAPES = [([3], [3]), ([2, 3], [3]), ([3], [3, 4]), ([2, 3], [3, 4]), ([5, 2, 3], [3, 4]),
                 ([2, 3], [5, 3, 4]), ([5, 1, 2, 3], [4, 3, 2]), ([0, 3], [3, 2]), ([2, 0], [0, 3]),
                 ([3], [2, 3, 4])]
for d in ["int32", "int64", "uint32", "float16", "float32", "float64"]:
    for sa, sb in MATMUL_SHAPES:
        c.add("matmul", jnp.matmul, [sample(d, sa, high=4 if d in INTS else None), sample(d, sb, high=4 if d in INTS else None)])
c.add("matmul", jnp.matmul, [sample("int32", [2, 3]), sample("float32", [3, 2])])
DOT_SHAPES = [([], [3]), ([3], [3]), ([2, 3], [3]), ([2, 3], [3, 4]), ([2, 3, 4], [4, 5]), ([2, 3, 4], [5, 4, 2]),
              ([4], [2, 4, 3])]
for d in ["int32", "float32", "float64"]:
    for sa, sb in DOT_SHAPES:
        c.add("dot", jnp.dot, [sample(d, sa), sample(d, sb)])

c.write("api_reductions.json")
