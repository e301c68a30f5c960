"""NumPy-written .npy files for Tessera's .npy interop tests.

Writes Tests/TesseraTests/Data/npy_*.npy and npy_cases.json (for each readable file: its
dtype, shape and row-major values; for each malformed file: a fragment of the expected
error message). Run: python3 scripts/testdata/npy_files.py
"""
import io, json, math, os
import numpy as np

D = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "TesseraTests", "Data")
good, bad = [], []

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
    if isinstance(v, bool): return v
    if isinstance(v, int): return v
    v = float(v)
    if math.isnan(v): return "nan"
    if math.isinf(v): return "inf" if v > 0 else "-inf"
    return v

def save(name, arr, version=None, identical=True):
    path = os.path.join(D, name)
    if version is None:
        np.save(path, arr)
    else:
        with open(path, "wb") as f:
            np.lib.format.write_array(f, arr, version=version)
    c = np.ascontiguousarray(arr)
    good.append({"file": name, "dtype": str(arr.dtype.newbyteorder("=")), "shape": list(arr.shape),
                 "values": values_of(c),
                 # np.save of a C-order little-endian array: Tessera's save(npy:) must match byte for byte
                 "byteIdentical": identical and version is None and arr.flags.c_contiguous and arr.dtype.byteorder in "=<|"})

def raw(name, data, message):
    with open(os.path.join(D, name), "wb") as f:
        f.write(data)
    bad.append({"file": name, "message": message})

save("npy_bool.npy", np.array([[True, False, True], [False, False, True]]))
save("npy_int32.npy", np.arange(-5, 7, dtype=np.int32).reshape(3, 4))
save("npy_int64.npy", np.array([2**40, -2**50, 0, 7], dtype=np.int64))
save("npy_uint32.npy", np.array([0, 1, 4294967295, 123456789], dtype=np.uint32))
save("npy_float16.npy", np.array([1.5, -0.0, np.inf, np.nan, 65504, 6e-8], dtype=np.float16))
save("npy_float32.npy", (np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7).astype(np.float32))
save("npy_float64.npy", np.array([np.pi, -np.e, np.nan, -np.inf, 1e-300, 5e-324]))
save("npy_scalar_f32.npy", np.array(2.5, dtype=np.float32))
save("npy_scalar_i64.npy", np.array(-9, dtype=np.int64))
save("npy_empty.npy", np.zeros((0, 3), dtype=np.float32))
save("npy_fortran_f64.npy", np.asfortranarray(np.arange(24, dtype=np.float64).reshape(2, 3, 4)))
save("npy_fortran_i32.npy", np.asfortranarray(np.arange(6, dtype=np.int32).reshape(2, 3)))
save("npy_fortran_u4_4d.npy", np.asfortranarray(np.arange(12, dtype=np.uint32).reshape(2, 1, 3, 2) * 1000003))
save("npy_fortran_bool.npy", np.asfortranarray(np.array([[True, False], [False, False], [True, True]])))
save("npy_bigendian_i4.npy", np.arange(5, dtype=">i4"))
save("npy_bigendian_f8.npy", np.array([[1.5, -2.25], [np.inf, 3e100]], dtype=">f8"))
save("npy_v2.npy", np.arange(10, dtype=np.int32), version=(2, 0))
save("npy_v3.npy", np.arange(6, dtype=np.float32).reshape(3, 2), version=(3, 0))

ok = open(os.path.join(D, "npy_int32.npy"), "rb").read()
raw("npy_bad_magic.npy", b"\x93NUMPX" + ok[6:], "bad magic")
raw("npy_not_npy.npy", b"hello, this is a text file and not an array\n", "bad magic")
raw("npy_short.npy", ok[:5], "shorter than the 10-byte preamble")
raw("npy_truncated_data.npy", ok[:-7], "truncated data: expected 48 bytes for int32(3,4), got 41")
raw("npy_truncated_header.npy", ok[:40], "truncated header")
raw("npy_version4.npy", ok[:6] + b"\x04\x00" + ok[8:], "unsupported .npy format version 4.0")
buf = io.BytesIO(); np.save(buf, np.zeros(3, dtype=np.complex64))
raw("npy_complex64.npy", buf.getvalue(), "unsupported dtype 'complex64'")
buf = io.BytesIO(); np.save(buf, np.zeros(3, dtype=np.int16))
raw("npy_int16.npy", buf.getvalue(), "unsupported dtype 'int16'")
buf = io.BytesIO(); np.save(buf, np.zeros(2, dtype=[("a", "<f4"), ("b", "<i4")]))
raw("npy_structured.npy", buf.getvalue(), "structured")
hdr = b"{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4 }"
raw("npy_bad_header.npy", b"\x93NUMPY\x01\x00" + len(hdr).to_bytes(2, "little") + hdr + b"\x00" * 48, "malformed .npy header")
hdr = b"{'descr': '<f4', 'shape': (3,), }"
raw("npy_no_fortran.npy", b"\x93NUMPY\x01\x00" + len(hdr).to_bytes(2, "little") + hdr + b"\x00" * 12, "fortran_order")

with open(os.path.join(D, "npy_cases.json"), "w") as f:
    json.dump({"numpy": np.__version__, "readable": good, "malformed": bad}, f, indent=1)
print(len(good), "readable,", len(bad), "malformed")
