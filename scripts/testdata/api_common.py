"""Shared helpers for the api_*.py generators: encode JAX/NumPy arrays as JSON cases.

A case is {"op", "args", "params", "out"} where each arg is an array
{"dtype", "shape", "data"} or a weak Python scalar {"literal": 2.5} / {"literal": 2,
"int": true}, and "out" is an array (or {"error": ...} is never used: errors are tested
with exit tests). NaN/Inf are the strings "nan", "inf", "-inf".

Cases with a 64-bit input run with jax_enable_x64 on; the others with it off (JAX's
default 32-bit types, which is what Tessera follows).
"""
import json
import math
import os
import numpy as np
import jax
import jax.numpy as jnp

DTYPES = ["bool", "int32", "int64", "uint32", "float16", "float32", "float64"]
FLOATS = ["float16", "float32", "float64"]
INTS = ["int32", "int64", "uint32"]
RNG = np.random.default_rng(1234)


def enc_value(v, dtype):
    if dtype == "bool":
        return bool(v)
    if dtype in ("int32", "int64", "uint32"):
        return int(v)
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def enc(a):
    a = np.asarray(a)
    dtype = str(a.dtype)
    return {"dtype": dtype, "shape": list(a.shape), "data": [enc_value(v, dtype) for v in a.reshape(-1)]}


def sample(dtype, shape, special=False, positive=False, nonzero=False, low=None, high=None):
    """Random values of `dtype`; floats optionally with NaN/Inf/0 mixed in."""
    n = int(np.prod(shape)) if shape else 1
    if dtype == "bool":
        v = RNG.integers(0, 2, n).astype(bool)
    elif dtype in INTS:
        lo = low if low is not None else (1 if positive else (-9 if dtype != "uint32" else 0))
        hi = high if high is not None else 10
        if dtype == "uint32" and lo < 0:
            lo = 0
        v = RNG.integers(lo, hi, n)
        if nonzero:
            v[v == 0] = 3
        v = v.astype(dtype)
    else:
        lo = low if low is not None else (0.1 if positive else -3.0)
        hi = high if high is not None else 3.0
        v = RNG.uniform(lo, hi, n)
        if nonzero:
            v[np.abs(v) < 0.1] = 0.5
        v = v.astype(dtype)
        if special and n >= 4:
            specials = np.array([np.nan, np.inf, -np.inf, 0.0], dtype=dtype)
            v[:4] = specials
    return v.reshape(shape)


def needs_x64(arrays):
    return any(np.asarray(a).dtype.itemsize == 8 for a in arrays if not isinstance(a, (int, float)))


def arg(a):
    if isinstance(a, bool):
        return enc(np.array(a))
    if isinstance(a, int):
        return {"literal": a, "int": True}
    if isinstance(a, float):
        return {"literal": enc_value(a, "float64")}
    return enc(a)


def run(fn, args, x64=None):
    """Calls fn on JAX arrays (Python scalars stay weak) with the right x64 mode."""
    x64 = needs_x64(args) if x64 is None else x64
    jax.config.update("jax_enable_x64", x64)
    try:
        jargs = [a if isinstance(a, (int, float)) and not isinstance(a, bool) else jnp.asarray(a) for a in args]
        out = fn(*jargs)
        if isinstance(out, (list, tuple)):
            return [np.asarray(o) for o in out]
        return np.asarray(out), getattr(out, "weak_type", False)
    finally:
        jax.config.update("jax_enable_x64", False)


class Cases:
    def __init__(self):
        self.cases = []

    def add(self, op, fn, args, params=None, check_weak=False, x64=None):
        res = run(fn, args, x64)
        case = {"op": op, "args": [arg(a) for a in args], "params": params or {}}
        if isinstance(res, list):
            case["outs"] = [enc(r) for r in res]
        else:
            out, weak = res
            case["out"] = enc(out)
            if check_weak:
                case["weak"] = bool(weak)
        self.cases.append(case)

    def write(self, name):
        here = os.path.dirname(os.path.abspath(__file__))
        path = os.path.join(here, "..", "..", "Tests", "TesseraTests", "Data", name)
        with open(path, "w") as f:
            json.dump({"generator": "scripts/testdata/" + name.replace(".json", ".py"),
                       "jax": jax.__version__, "numpy": np.__version__, "cases": self.cases}, f)
        print(f"{name}: {len(self.cases)} cases")
