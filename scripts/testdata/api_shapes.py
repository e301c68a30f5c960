"""Reference values for Tessera's creation functions, shape operations, indexing and
functional updates (x.at[i].set/add/multiply/min/max).
Run: python3 scripts/testdata/api_shapes.py

Index specs (params "index") map to Swift spellings:
  {"int": k} -> k            {"range": [a, b]} -> a..<b     {"closed": [a, b]} -> a...b
  {"from": a} -> a...        {"upTo": b} -> ..<b           {"through": b} -> ...b
  {"slice": [s, e, st]} -> .slice(s, e, step: st)           {"all": 1} -> .all
  {"stride": [a, b, st]} -> stride(from: a, to: b, by: st)  {"newAxis": 1} -> .newAxis
  {"ellipsis": 1} -> .ellipsis                               {"tensor": i} -> args[i] (a Tensor)
"""
import numpy as np
import jax.numpy as jnp
from api_common import Cases, sample, DTYPES, FLOATS, INTS

c = Cases()

# creation
for end in [0, 1, 10]:
    c.add("arange", lambda end=end: jnp.arange(end), [], {"end": end})
for start, end, step in [(2, 10, 3), (10, 0, -3), (5, 5, 1), (-4, 4, 2), (0, 7, 1)]:
    c.add("arangeInt", lambda s=start, e=end, st=step: jnp.arange(s, e, st), [], {"start": start, "end": end, "step": step})
c.add("arangeInt", lambda: jnp.arange(0, 5, 1, dtype=jnp.float32), [], {"start": 0, "end": 5, "step": 1, "dtype": "float32"})
for start, end, step in [(0.0, 1.0, 0.25), (1.0, -1.0, -0.5), (0.5, 3.0, 1.0)]:
    c.add("arangeFloat", lambda s=start, e=end, st=step: jnp.arange(s, e, st), [], {"start": start, "end": end, "step": step})
for d in DTYPES:
    x64 = d in ("int64", "float64")
    c.add("zeros", lambda d=d: jnp.zeros([2, 3], d), [], {"shape": [2, 3], "dtype": d}, x64=x64)
    c.add("ones", lambda d=d: jnp.ones([3], d), [], {"shape": [3], "dtype": d}, x64=x64)
    c.add("full", lambda d=d: jnp.full([2, 2], 7.0, d), [], {"shape": [2, 2], "value": 7.0, "dtype": d}, x64=x64)
c.add("full", lambda: jnp.full([2], 7.0), [], {"shape": [2], "value": 7.0})
c.add("zeros", lambda: jnp.zeros([0, 2]), [], {"shape": [0, 2]})
c.add("zeros", lambda: jnp.zeros([]), [], {"shape": []})
for n, m, k, d in [(3, None, 0, "float32"), (2, 4, 1, "int32"), (4, 3, -1, "float64"), (3, 3, 5, "bool"), (0, None, 0, "float32")]:
    c.add("eye", lambda n=n, m=m, k=k, d=d: jnp.eye(n, m, k, dtype=d), [], {"n": n, "m": m, "k": k, "dtype": d},
          x64=d == "float64")
for start, stop, num, endpoint, d in [(0, 1, 5, True, "float32"), (0, 1, 5, False, "float32"), (-2, 3, 7, True, "float64"),
                                      (1, 0, 4, True, "float32"), (0, 10, 4, True, "int32"), (3, 7, 1, True, "float32"),
                                      (0, 1, 0, True, "float32"), (0.1, 0.7, 13, True, "float32"), (0, 1, 6, True, "float16")]:
    c.add("linspace", lambda s=start, e=stop, n=num, ep=endpoint, d=d: jnp.linspace(s, e, n, endpoint=ep, dtype=d), [],
          {"start": float(start), "stop": float(stop), "count": num, "endpoint": endpoint, "dtype": d}, x64=d == "float64")

# shape operations
x = sample("float32", [2, 3, 4])
for shape in [[24], [4, -1], [2, 3, 4], [-1], [1, 2, 1, 12]]:
    c.add("reshape", lambda x, s=shape: jnp.reshape(x, s), [x], {"shape": shape})
c.add("reshape", lambda x: jnp.reshape(x, [0, 5]), [sample("int32", [5, 0])], {"shape": [0, 5]})
c.add("reshape", lambda x: jnp.reshape(x, []), [sample("int32", [1, 1])], {"shape": []})
for perm in [None, [0, 2, 1], [2, 0, 1], [-1, 0, 1]]:
    c.add("transpose", lambda x, p=perm: jnp.transpose(x, p), [x], {"perm": perm})
c.add("T", lambda x: x.T, [sample("int32", [2, 3])], {})
c.add("T", lambda x: x.T, [sample("int32", [3])], {})
y = sample("int32", [1, 3, 1, 2])
for axes in [None, [0], [-2], [0, 2]]:
    c.add("squeeze", lambda y, a=axes: jnp.squeeze(y, None if a is None else tuple(a)), [y], {"axes": axes})
for axis in [0, 1, 3, -1, -4]:
    c.add("expandDims", lambda x, a=axis: jnp.expand_dims(x, a), [x], {"axis": axis})
c.add("flatten", lambda x: jnp.ravel(x), [x], {})
for shape in [[2, 3, 4], [5, 2, 3, 4], [3, 2, 3, 4]]:
    c.add("broadcastTo", lambda x, s=shape: jnp.broadcast_to(x, s), [sample("float32", [2, 1, 4])], {"shape": shape})
c.add("broadcastTo", lambda x: jnp.broadcast_to(x, [3, 2]), [np.float32(2.5)], {"shape": [3, 2]})
for a in DTYPES:
    for b in DTYPES:
        v = sample(a, [5], positive=b == "uint32", special=a in FLOATS and b in FLOATS)
        c.add("asType", lambda v, b=b: v.astype(b), [v], {"dtype": b}, x64=True)
for axis in [0, 1, -1]:
    c.add("concatenate", lambda p, q, r, a=axis: jnp.concatenate([p, q, r], axis=a),
          [sample("float32", [2, 3]), sample("float32", [2, 3]), sample("float32", [2, 3])], {"axis": axis})
c.add("concatenate", lambda p, q: jnp.concatenate([p, q]), [sample("int32", [2, 3]), sample("float16", [1, 3])], {"axis": 0})
c.add("concatenate", lambda p, q: jnp.concatenate([p, q]), [sample("int32", [0]), sample("int32", [3])], {"axis": 0})
for axis in [0, 1, 2, -1]:
    c.add("stack", lambda p, q, a=axis: jnp.stack([p, q], axis=a), [sample("int32", [2, 3]), sample("int32", [2, 3])], {"axis": axis})
c.add("stack", lambda p, q: jnp.stack([p, q]), [sample("float32", []), sample("float32", [])], {"axis": 0})
z = sample("float32", [6, 4])
for count, axis in [(3, 0), (2, 1), (1, 0), (4, -1)]:
    c.add("splitCount", lambda z, n=count, a=axis: jnp.split(z, n, axis=a), [z], {"count": count, "axis": axis})
for idx, axis in [([2, 5], 0), ([1], 1), ([0, 10], 0), ([-2], 0)]:
    # NumPy's split (JAX rejects indices past the end; NumPy gives empty parts).
    c.add("splitIndices", lambda z, i=idx, a=axis: np.split(np.asarray(z), i, axis=a), [z], {"indices": idx, "axis": axis})


# indexing
def py_index(spec, tensors):
    out = []
    for s in spec:
        k, v = next(iter(s.items()))
        if k == "int":
            out.append(v)
        elif k == "range":
            out.append(slice(v[0], v[1]))
        elif k == "closed":
            out.append(slice(v[0], None if v[1] == -1 else v[1] + 1))
        elif k == "from":
            out.append(slice(v, None))
        elif k == "upTo":
            out.append(slice(None, v))
        elif k == "through":
            out.append(slice(None, None if v == -1 else v + 1))
        elif k == "slice":
            out.append(slice(*v))
        elif k == "all":
            out.append(slice(None))
        elif k == "stride":
            a, b, st = v
            n = len(range(a, b, st))
            out.append(np.arange(a, b, st) if False else slice(a, (a + n * st) if a + n * st >= 0 else None, st))
        elif k == "newAxis":
            out.append(None)
        elif k == "ellipsis":
            out.append(Ellipsis)
        elif k == "tensor":
            out.append(tensors[v])
    return tuple(out)


X = sample("int32", [4, 5, 6], low=-50, high=50)
V = sample("float32", [10], special=True)
INDEXES = [
    (V, [{"int": 2}]), (V, [{"int": -1}]), (V, [{"range": [1, 4]}]), (V, [{"from": 7}]), (V, [{"upTo": 3}]),
    (V, [{"through": 3}]), (V, [{"closed": [2, 5]}]), (V, [{"closed": [-3, -1]}]), (V, [{"range": [-3, -1]}]),
    (V, [{"range": [5, 100]}]), (V, [{"slice": [6, 2, None]}]), (V, [{"stride": [0, 10, 2]}]), (V, [{"stride": [9, -1, -3]}]),
    (V, [{"slice": [None, None, -1]}]), (V, [{"slice": [1, None, 2]}]), (V, [{"slice": [-2, 1, -2]}]),
    (V, [{"slice": [None, None, 3]}]), (V, [{"ellipsis": 1}]), (V, [{"newAxis": 1}]),
    (X, [{"int": 0}, {"int": 1}]), (X, [{"int": 1}, {"int": -1}, {"int": 2}]), (X, [{"all": 1}, {"int": 1}]),
    (X, [{"ellipsis": 1}, {"int": 0}]), (X, [{"int": 1}, {"ellipsis": 1}, {"range": [1, 3]}]),
    (X, [{"newAxis": 1}, {"int": 2}, {"newAxis": 1}, {"slice": [None, None, -2]}]),
    (X, [{"range": [1, 3]}, {"stride": [0, 5, 2]}, {"slice": [5, 0, -2]}]),
    (X, [{"range": [2, 2]}]),
]
for base, spec in INDEXES:
    c.add("index", lambda b, spec=spec: b[py_index(spec, [])], [base], {"index": spec})

# integer tensor indices (gather): args[1:] are the index tensors
TENSOR_INDEXES = [
    (V, [np.array([0, 3, -1, 3], np.int32)], [{"tensor": 1}]),
    (V, [np.array([[1, 2], [8, -2]], np.int32)], [{"tensor": 1}]),
    (X, [np.array([0, 2, 3], np.int32)], [{"tensor": 1}]),
    (X, [np.array([0, 2, 3], np.int32)], [{"all": 1}, {"tensor": 1}]),
    (X, [np.array([0, 2], np.int32), np.array([[1], [4]], np.int32)], [{"tensor": 1}, {"tensor": 2}]),
    (X, [np.array([0, 2], np.int32), np.array([1, 5], np.int32)], [{"tensor": 1}, {"all": 1}, {"tensor": 2}]),
    (X, [np.array([1, 3], np.int32)], [{"int": 1}, {"all": 1}, {"tensor": 1}]),
    (X, [np.array([1, 3], np.int32)], [{"range": [1, 3]}, {"tensor": 1}, {"slice": [None, None, -2]}]),
    (X, [np.array([1, -1], np.int64)], [{"ellipsis": 1}, {"tensor": 1}]),
    (X, [np.array([2], np.uint32)], [{"newAxis": 1}, {"tensor": 1}]),
    (X, [np.array(3, np.int32)], [{"tensor": 1}]),
    (X, [np.array(-1, np.int32)], [{"all": 1}, {"tensor": 1}, {"range": [1, 3]}]),
]
for base, tensors, spec in TENSOR_INDEXES:
    c.add("index", lambda b, *t, spec=spec: b[py_index(spec, [None] + list(t))], [base] + tensors, {"index": spec})

# functional updates: args = [x, values, index tensors...]
UPDATES = [
    (V, np.float32(10), [], [{"int": 0}]),
    (V, np.float32(10), [], [{"int": -1}]),
    (V, np.array([1, 2, 3], np.float32), [], [{"range": [1, 4]}]),
    (V, np.float32(-1), [], [{"slice": [None, None, 2]}]),
    (V, np.array([1, 2, 3, 4, 5], np.float32), [], [{"slice": [None, None, -2]}]),
    (X, np.int32(7), [], [{"int": 1}, {"int": 2}]),
    (X, np.arange(6, dtype=np.int32), [], [{"int": 0}, {"int": 1}]),
    (X, np.arange(4, dtype=np.int32).reshape(4, 1), [], [{"all": 1}, {"range": [1, 3]}, {"int": 0}]),
    (X, np.int32(1), [], [{"ellipsis": 1}, {"from": 4}]),
    (V, np.float32(5), [np.array([0, 3, 3, -1], np.int32)], [{"tensor": 2}]),
    (V, np.array([1, 2, 3, 4], np.float32), [np.array([0, 3, 3, -1], np.int32)], [{"tensor": 2}]),
    (X, np.int32(100), [np.array([0, 2], np.int32), np.array([1, 4], np.int32)], [{"tensor": 2}, {"all": 1}, {"tensor": 3}]),
    (X, np.int32(9), [np.array([0, 7, -9], np.int32)], [{"tensor": 2}]),
    (X, np.int32(3), [np.array(2, np.int32)], [{"int": 1}, {"tensor": 2}]),
]
for mode in ["set", "add", "multiply", "min", "max"]:
    for base, values, tensors, spec in UPDATES:
        if mode == "set" and spec == [{"tensor": 2}] and base is V and np.ndim(values) > 0:
            continue  # duplicate indices with set: which update wins is unspecified
        c.add("at_" + mode, lambda b, v, *t, spec=spec, mode=mode: getattr(b.at[py_index(spec, [None, None] + list(t))], mode)(v),
              [base, values] + tensors, {"index": spec})
c.add("at_set", lambda b, v: b.at[0].set(v), [sample("float16", [3]), 2.5], {"index": [{"int": 0}]})
c.add("at_add", lambda b, v: b.at[1].add(v), [sample("int32", [3]), 2], {"index": [{"int": 1}]})
c.add("at_set", lambda b, v: b.at[1:3].set(v), [sample("int32", [4]), np.float32(2.7)], {"index": [{"range": [1, 3]}]})

c.write("api_shapes.json")
