"""Expected NumPy str() / array2string output for Tessera's printing tests.

Writes Tests/TesseraTests/Data/printing_cases.json: a list of cases, each with the
dtype, shape, row-major values (floats as hex bit patterns), the
expected `str(a)` and the expected repr `Tensor(<array2string>, dtype=<dtype>)`.
Run: python3 scripts/testdata/printing_cases.py
"""
import json, math, os
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "TesseraTests", "Data", "printing_cases.json")
rng = np.random.default_rng(1234)
cases = []

def values_of(a):
    """Row-major values: bools and integers as JSON numbers, floats as hex bit patterns
    ("0x3ff0000000000000"), so that no JSON float parser can change a bit."""
    a = np.asarray(a)
    if a.dtype.kind == "f":
        a = a.astype(a.dtype.newbyteorder("="))
        w = a.dtype.itemsize * 2
        return ["0x%0*x" % (w, int(b)) for b in a.view(f"u{a.dtype.itemsize}").ravel().tolist()]
    return [enc(v) for v in a.ravel().tolist()]

def enc(v):
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    v = float(v)
    if math.isnan(v): return "nan"
    if math.isinf(v): return "inf" if v > 0 else "-inf"
    return v

def add(name, a):
    a = np.asarray(a)
    dt = str(a.dtype)
    prefix = "Tensor("
    suffix = f", dtype={dt})"
    rep = prefix + np.array2string(a, separator=", ", prefix=prefix, suffix=suffix) + suffix
    cases.append({"name": name, "dtype": dt, "shape": list(a.shape),
                  "values": values_of(a),
                  "str": str(a), "repr": rep})

# integers
add("arange10", np.arange(10, dtype=np.int32))
add("arange30 wraps", np.arange(30, dtype=np.int32))
add("arange100 wraps", np.arange(100, dtype=np.int32))
add("negative int32", np.array([-5, 3, 100, -1000], dtype=np.int32))
add("int64 big", np.array([2**40, -7, 0], dtype=np.int64))
add("uint32 big", np.array([0, 4294967295, 12], dtype=np.uint32))
add("int 2x3", np.arange(6, dtype=np.int32).reshape(2, 3))
add("int 2x3x4", np.arange(24, dtype=np.int32).reshape(2, 3, 4) - 5)
add("int 2x1x2x2", np.arange(8, dtype=np.int32).reshape(2, 1, 2, 2))
add("int 3x30 wraps", np.arange(90, dtype=np.int32).reshape(3, 30))
add("empty int", np.zeros((0,), dtype=np.int32))
add("empty 2x0", np.zeros((2, 0), dtype=np.float32))
add("empty 0x3", np.zeros((0, 3), dtype=np.int32))
add("one 1x1x1", np.array([[[7]]], dtype=np.int32))
# scalars (0-d)
add("scalar int32", np.array(42, dtype=np.int32))
add("scalar int64 neg", np.array(-3, dtype=np.int64))
add("scalar uint32", np.array(7, dtype=np.uint32))
add("scalar bool", np.array(True))
add("scalar bool false", np.array(False))
for dt in (np.float16, np.float32, np.float64):
    for v in (1.0, 2.5, 0.1, -0.0, 1e-5, 123456.789, 1e16, 1e20, 3.0e-20, float("nan"), float("-inf"), 65504.0):
        add(f"scalar {np.dtype(dt).name} {v!r}", np.array(v, dtype=dt))
add("scalar f64 1e15", np.array(1e15))
add("scalar f64 12345678901234567", np.array(12345678901234567.0))
add("scalar f32 1e-4", np.array(1e-4, dtype=np.float32))
# bools
add("bools", np.array([True, False, True]))
add("bools 2x2", np.array([[True, False], [False, False]]))
add("bools all false", np.array([False, False]))
add("bools 40 wraps", np.arange(40) % 3 == 0)
# floats
for dt in (np.float16, np.float32, np.float64):
    n = np.dtype(dt).name
    add(f"{n} 1 2.5", np.array([1, 2.5], dtype=dt))
    add(f"{n} tenths", np.array([0.1, 0.2, 0.3], dtype=dt))
    add(f"{n} thirds", np.array([1 / 3, 2 / 3, 1.0], dtype=dt))
    add(f"{n} integers", np.array([1, 2, 3], dtype=dt))
    add(f"{n} zeros", np.zeros(4, dtype=dt))
    add(f"{n} neg zero", np.array([-0.0, 0.0, 1.5], dtype=dt))
    add(f"{n} small exp", np.array([1e-5, 1.0], dtype=dt))
    add(f"{n} ratio exp", np.array([1.0, 1001.0], dtype=dt))
    add(f"{n} ratio no exp", np.array([1.0, 999.0], dtype=dt))
    add(f"{n} nan inf", np.array([1.0, 2.5, np.nan, -np.inf, np.inf], dtype=dt))
    add(f"{n} only nan", np.array([np.nan, np.nan], dtype=dt))
    add(f"{n} nan and -inf only", np.array([np.nan, -np.inf], dtype=dt))
    add(f"{n} exp nan", np.array([1e-7, np.nan, -np.inf], dtype=dt))
    add(f"{n} mixed sign", np.array([-1.5, 2.25, -300.125], dtype=dt))
    add(f"{n} normal 4x5", rng.standard_normal((4, 5)).astype(dt))
    add(f"{n} uniform 17", rng.random(17).astype(dt))
    add(f"{n} wide range 6", (rng.standard_normal(6) * 10.0 ** rng.integers(-6, 6, 6)).astype(dt))
    add(f"{n} 2x3x2", (np.arange(12).reshape(2, 3, 2) * 0.25 - 1).astype(dt))
    add(f"{n} linspace 20 wraps", np.linspace(0, 1, 20).astype(dt))
    add(f"{n} large", np.array([1e3, 2e3, 5.5e2], dtype=dt))
    add(f"{n} 999.5", np.array([999.5, 0.5], dtype=dt))
    add(f"{n} 2^-9", np.array([2.0 ** -9, 1.0], dtype=dt))
add("float32 1e6 cutoff", np.array([1e6, 1.0], dtype=np.float32))
add("float32 1e5 no cutoff", np.array([1e5, 100.0], dtype=np.float32))
add("float64 1e8 cutoff", np.array([1e8, 1e6], dtype=np.float64))
add("float64 1e7 no cutoff", np.array([1e7, 1e5], dtype=np.float64))
add("float64 precision 8", np.array([0.123456789123, 1.0]))
add("float64 big", np.array([1e300, -2e-300]))
add("float32 denormal", np.array([1e-45, 1.0], dtype=np.float32))
add("float32 max", np.array([np.finfo(np.float32).max, 1.0], dtype=np.float32))
add("float64 exp3", np.array([1e-100, 1e100, 5.0]))
add("float64 -1.5e-5", np.array([-1.5e-5, 2.0]))
add("float32 sci wraps", (rng.standard_normal(12) * 1e-6).astype(np.float32))
# summarisation (size > 1000, 3 edge items)
add("int arange 2000", np.arange(2000, dtype=np.int32))
add("int arange 1001", np.arange(1001, dtype=np.int32))
add("int arange 1000 no summary", np.arange(1000, dtype=np.int32))
add("float32 arange 1001 halves", np.arange(1001, dtype=np.float32) * 0.5)
add("float64 100x100", np.arange(10000, dtype=np.float64).reshape(100, 100) / 7)
add("int 20x20x20", np.arange(8000, dtype=np.int32).reshape(20, 20, 20))
add("bool 1001", np.arange(1001) % 2 == 0)
add("int 2x1000", np.arange(2000, dtype=np.int32).reshape(2, 1000))
add("float32 normal 40x40", rng.standard_normal((40, 40)).astype(np.float32))
add("float32 summary with nan", np.concatenate([[np.nan], np.arange(1500, dtype=np.float32), [np.inf]]).astype(np.float32))
add("float16 1200", (np.arange(1200) * 0.01).astype(np.float16))

# random arrays over many magnitudes: exercises shortest digits, the 8-digit cutoff
# (exact rounding), scientific switching and padding for each float dtype
for i in range(120):
    dt = (np.float16, np.float32, np.float64)[i % 3]
    n = int(rng.integers(1, 9))
    scale = 10.0 ** rng.integers(-12 if dt != np.float16 else -4, 12 if dt != np.float16 else 4)
    v = rng.standard_normal(n) * scale
    if i % 5 == 0:
        v = np.round(v, int(rng.integers(0, 4)))
    if i % 7 == 0:
        v[0] = [np.nan, np.inf, -np.inf, 0.0][i % 4]
    add(f"fuzz {i} {np.dtype(dt).name}", v.astype(dt))
for i in range(20):
    shape = tuple(int(d) for d in rng.integers(1, 5, int(rng.integers(2, 4))))
    add(f"fuzz nd {i}", (rng.standard_normal(shape) * 10.0 ** rng.integers(-3, 5)).astype(np.float32))
add("rows summarised 2000x3", np.arange(6000, dtype=np.int32).reshape(2000, 3))
add("int64 extremes", np.array([np.iinfo(np.int64).min, np.iinfo(np.int64).max], dtype=np.int64))
add("int32 extremes", np.array([np.iinfo(np.int32).min, np.iinfo(np.int32).max], dtype=np.int32))

with open(OUT, "w") as f:
    json.dump({"numpy": np.__version__, "cases": cases}, f, indent=0)
print(len(cases), "cases ->", os.path.normpath(OUT))
