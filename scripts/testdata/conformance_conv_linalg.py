"""Conformance cases for conv_general_dilated and the linalg primitives, made with jax.lax.

Run:  python3 scripts/testdata/conformance_conv_linalg.py
Writes Sources/TesseraConformance/Data/conformance_conv_linalg.json in the format of
conformance_cases.json (see scripts/testdata/conformance_cases.py):
  {"name", "primitive": {"kind": ..., params...}, "inputs": [tensor...], "outputs": [tensor...]}

JAX on CPU with x64 enabled is the oracle. qr, eigh and svd are unique only up to the sign
of each column (singular/eigen vector); those cases carry "canonical_signs" and both the
expected and the actual outputs are normalised before comparing (see canonical() below and
ConformanceCase.canonicalised in Swift):
  qr   (q, r):     column j of q and row j of r times sign(r[j, j])
  eigh (v, w):     column j of v times the sign of its largest-magnitude entry
  svd  (s, u, vt): column j of u and row j of vt times the sign of u's column j's
                   largest-magnitude entry
"""
import json
import os

import jax
jax.config.update("jax_enable_x64", True)
jax.config.update("jax_platforms", "cpu")
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax._src.lax import linalg as lax_linalg

cases = []
rng = np.random.default_rng(10)


def encode_value(v, dtype):
    if dtype == "bool":
        return bool(v)
    if dtype in ("int32", "uint32"):
        return int(v)
    if dtype == "int64":
        return str(int(v))
    f = float(v)
    if np.isnan(f):
        return "nan"
    if np.isinf(f):
        return "inf" if f > 0 else "-inf"
    return repr(f)


def tensor(a):
    a = np.asarray(a)
    dtype = str(a.dtype)
    return {"dtype": dtype, "shape": list(a.shape), "values": [encode_value(v, dtype) for v in a.reshape(-1).tolist()]}


def sign_of_largest(col):
    """The sign (+1/-1) of the largest-magnitude entry of a vector (the first on ties)."""
    k = int(np.argmax(np.abs(col)))
    return -1.0 if col[k] < 0 else 1.0


def canonical(kind, outs):
    """Normalises the signs of qr/eigh/svd outputs (see the module docstring)."""
    outs = [np.array(o) for o in outs]
    batch = outs[0].shape[:-2] if kind != "svd" else outs[1].shape[:-2]
    for idx in np.ndindex(*batch):
        if kind == "qr":
            q, r = outs[0][idx], outs[1][idx]
            for j in range(min(q.shape[-1], r.shape[-2])):
                s = -1.0 if r[j, j] < 0 else 1.0
                q[:, j] *= s
                r[j, :] *= s
        elif kind == "eigh":
            v = outs[0][idx]
            for j in range(v.shape[-1]):
                v[:, j] *= sign_of_largest(v[:, j])
        elif kind == "svd":
            u, vt = outs[1][idx], outs[2][idx]
            for j in range(u.shape[-1]):
                s = sign_of_largest(u[:, j])
                u[:, j] *= s
                vt[j, :] *= s
    return outs


def add(name, primitive, inputs, fn, canonical_signs=None):
    inputs = [np.asarray(x) for x in inputs]
    outs = fn(*[jnp.asarray(x) for x in inputs])
    if not isinstance(outs, (tuple, list)):
        outs = [outs]
    outs = [np.asarray(o) for o in outs]
    case = {"name": name, "primitive": primitive, "inputs": [tensor(x) for x in inputs]}
    if canonical_signs:
        outs = canonical(canonical_signs, outs)
        case["canonical_signs"] = canonical_signs
    case["outputs"] = [tensor(o) for o in outs]
    cases.append(case)


# ---------------------------------------------------------------- conv_general_dilated

def values(shape, dtype):
    if dtype == "int32":
        return rng.integers(-4, 5, size=shape).astype(np.int32)
    return rng.uniform(-1, 1, size=shape).astype(dtype)


def conv(name, dtype, lhs_shape, rhs_shape, strides, padding, lhs_dil, rhs_dil, layouts, fgc=1, bgc=1):
    lhs, rhs = values(lhs_shape, dtype), values(rhs_shape, dtype)
    dn = lax.conv_dimension_numbers(lhs_shape, rhs_shape, layouts)
    prim = {"kind": "conv_general_dilated", "window_strides": strides, "padding": [list(p) for p in padding],
            "lhs_dilation": lhs_dil, "rhs_dilation": rhs_dil, "lhs_spec": list(dn.lhs_spec),
            "rhs_spec": list(dn.rhs_spec), "out_spec": list(dn.out_spec), "feature_group_count": fgc,
            "batch_group_count": bgc}
    precision = lax.Precision.HIGHEST if dtype != "int32" else None
    add(f"conv_general_dilated/{dtype}/{name}", prim, [lhs, rhs],
        lambda a, b: lax.conv_general_dilated(a, b, strides, padding, lhs_dil, rhs_dil, dn, fgc, bgc,
                                              precision=precision))


NCW = ("NCH", "OIH", "NCH")
NCHW = ("NCHW", "OIHW", "NCHW")
for dt in ["float32", "float64"]:
    conv("1d", dt, (2, 3, 9), (4, 3, 3), [1], [(0, 0)], [1], [1], NCW)
    conv("2d_stride_pad", dt, (2, 3, 7, 6), (4, 3, 3, 2), [2, 1], [(1, 1), (0, 1)], [1, 1], [1, 1], NCHW)
    conv("2d_rhs_dilation", dt, (1, 2, 8, 8), (3, 2, 3, 3), [1, 1], [(2, 2), (1, 1)], [1, 1], [2, 2], NCHW)
    conv("2d_lhs_dilation", dt, (1, 2, 4, 5), (2, 2, 3, 3), [1, 1], [(2, 2), (1, 2)], [2, 2], [1, 1], NCHW)
    conv("2d_nhwc_hwio", dt, (2, 6, 5, 3), (3, 3, 3, 4), [1, 2], [(1, 1), (1, 1)], [1, 1], [1, 1],
         ("NHWC", "HWIO", "NHWC"))
    conv("2d_feature_groups", dt, (2, 4, 5, 5), (6, 2, 3, 3), [1, 1], [(0, 0), (0, 0)], [1, 1], [1, 1], NCHW, fgc=2)
    conv("2d_depthwise", dt, (1, 3, 6, 6), (3, 1, 3, 3), [1, 1], [(1, 1), (1, 1)], [1, 1], [1, 1], NCHW, fgc=3)
    conv("2d_batch_groups", dt, (4, 2, 5, 5), (6, 2, 2, 2), [1, 1], [(0, 0), (0, 0)], [1, 1], [1, 1], NCHW, bgc=2)
    conv("2d_negative_padding", dt, (1, 2, 7, 7), (2, 2, 2, 2), [1, 1], [(-1, 0), (0, -2)], [1, 1], [1, 1], NCHW)
    conv("3d", dt, (1, 2, 4, 4, 3), (2, 2, 2, 2, 2), [1, 1, 1], [(0, 0), (1, 0), (0, 1)], [1, 1, 1], [1, 1, 1],
         ("NCDHW", "OIDHW", "NCDHW"))
    conv("empty_batch", dt, (0, 2, 5, 5), (3, 2, 3, 3), [1, 1], [(0, 0), (0, 0)], [1, 1], [1, 1], NCHW)
    conv("window_larger_than_input", dt, (1, 1, 2, 2), (1, 1, 3, 3), [1, 1], [(0, 0), (0, 0)], [1, 1], [1, 1], NCHW)
conv("2d_stride_pad", "int32", (2, 3, 7, 6), (4, 3, 3, 2), [2, 1], [(1, 1), (0, 1)], [1, 1], [1, 1], NCHW)
conv("2d_feature_groups", "int32", (2, 4, 5, 5), (6, 2, 3, 3), [1, 1], [(0, 0), (0, 0)], [1, 1], [1, 1], NCHW, fgc=2)


# ---------------------------------------------------------------- linalg

def spd(n, batch, dtype):
    a = rng.uniform(-1, 1, batch + (n, n))
    return (a @ np.swapaxes(a, -1, -2) + n * np.eye(n)).astype(dtype)


def general(shape, dtype):
    return rng.uniform(-1, 1, shape).astype(dtype)


def well_conditioned(n, batch, dtype):
    return (rng.uniform(-1, 1, batch + (n, n)) + 2 * np.eye(n)).astype(dtype)


def svd_s_u_vt(a):
    """svd_p's output order (s, u, vt); lax.linalg.svd returns (u, s, vt)."""
    u, s, vt = lax_linalg.svd(a, full_matrices=False, compute_uv=True)
    return s, u, vt


for dt in ["float32", "float64"]:
    add(f"cholesky/{dt}/4x4", {"kind": "linalg", "op": "cholesky"}, [spd(4, (), dt)],
        lambda a: lax_linalg.cholesky(a, symmetrize_input=False))
    add(f"cholesky/{dt}/batched", {"kind": "linalg", "op": "cholesky"}, [spd(3, (2,), dt)],
        lambda a: lax_linalg.cholesky(a, symmetrize_input=False))
    add(f"cholesky/{dt}/empty", {"kind": "linalg", "op": "cholesky"}, [np.zeros((0, 0), dt)],
        lambda a: lax_linalg.cholesky(a, symmetrize_input=False))
    for left in (True, False):
        for lower in (True, False):
            for trans in (False, True):
                for unit in (False, True):
                    if unit and (trans or not left):
                        continue
                    a = well_conditioned(4, (), dt) + 2 * np.eye(4, dtype=dt)
                    b = general((4, 3) if left else (3, 4), dt)
                    prim = {"kind": "linalg", "op": "triangular_solve", "left_side": left, "lower": lower,
                            "transpose_a": trans, "unit_diagonal": unit}
                    tag = f"{'left' if left else 'right'}_{'lower' if lower else 'upper'}" \
                          f"{'_transposed' if trans else ''}{'_unit' if unit else ''}"
                    add(f"triangular_solve/{dt}/{tag}", prim, [a, b],
                        lambda a, b, left=left, lower=lower, trans=trans, unit=unit: lax_linalg.triangular_solve(
                            a, b, left_side=left, lower=lower, transpose_a=trans, unit_diagonal=unit))
    bb = well_conditioned(3, (2,), dt)
    add(f"triangular_solve/{dt}/batched", {"kind": "linalg", "op": "triangular_solve", "left_side": True,
                                           "lower": True, "transpose_a": False, "unit_diagonal": False},
        [bb, general((2, 3, 2), dt)], lambda a, b: lax_linalg.triangular_solve(a, b, left_side=True, lower=True))
    add(f"lu/{dt}/5x5", {"kind": "linalg", "op": "lu"}, [general((5, 5), dt)], lax_linalg.lu)
    add(f"lu/{dt}/batched", {"kind": "linalg", "op": "lu"}, [general((2, 4, 4), dt)], lax_linalg.lu)
    add(f"qr/{dt}/tall", {"kind": "linalg", "op": "qr"}, [general((5, 3), dt)],
        lambda a: lax_linalg.qr(a, full_matrices=False), canonical_signs="qr")
    add(f"qr/{dt}/wide", {"kind": "linalg", "op": "qr"}, [general((3, 5), dt)],
        lambda a: lax_linalg.qr(a, full_matrices=False), canonical_signs="qr")
    add(f"qr/{dt}/batched", {"kind": "linalg", "op": "qr"}, [general((2, 4, 4), dt)],
        lambda a: lax_linalg.qr(a, full_matrices=False), canonical_signs="qr")
    add(f"eigh/{dt}/5x5", {"kind": "linalg", "op": "eigh"}, [spd(5, (), dt)],
        lambda a: lax_linalg.eigh(a, lower=True, symmetrize_input=False), canonical_signs="eigh")
    add(f"eigh/{dt}/batched", {"kind": "linalg", "op": "eigh"}, [spd(3, (2,), dt)],
        lambda a: lax_linalg.eigh(a, lower=True, symmetrize_input=False), canonical_signs="eigh")
    add(f"svd/{dt}/tall", {"kind": "linalg", "op": "svd"}, [general((5, 3), dt)],
        svd_s_u_vt, canonical_signs="svd")
    add(f"svd/{dt}/wide", {"kind": "linalg", "op": "svd"}, [general((3, 4), dt)],
        svd_s_u_vt, canonical_signs="svd")

out = os.path.join(os.path.dirname(__file__), "..", "..", "Sources", "TesseraConformance", "Data",
                   "conformance_conv_linalg.json")
with open(out, "w") as f:
    json.dump({"generator": "scripts/testdata/conformance_conv_linalg.py", "jax_version": jax.__version__,
               "cases": cases}, f, separators=(",", ":"))
print(f"wrote {len(cases)} cases to {os.path.normpath(out)}")
