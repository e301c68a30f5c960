"""Reference values for the LAPACK-sized linear-algebra tests (Tests/TesseraTests/Data/lapack_cases.json):
matrices large enough that LAPACK's blocked code paths run, batched over leading axes, full-matrices
qr/svd, every triangular_solve variant, from NumPy/SciPy (float64)."""
import json, os
import numpy as np
import scipy.linalg

rng = np.random.default_rng(11)
def L(x): return np.asarray(x, dtype=np.float64).ravel().tolist()
def spd(n, batch=()):
    a = rng.uniform(-1, 1, batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)

d = {}
s48 = spd(48); d["spd48"] = L(s48); d["chol48"] = L(np.linalg.cholesky(s48))
sb = spd(16, (2, 3)); d["spd_b"] = L(sb); d["chol_b"] = L(np.linalg.cholesky(sb))
a40 = rng.uniform(-1, 1, (40, 40)) + 2 * np.eye(40); b40 = rng.uniform(-1, 1, (40, 3))
d["a40"] = L(a40); d["b40"] = L(b40)
d["solve40"] = L(np.linalg.solve(a40, b40)); d["inv40"] = L(np.linalg.inv(a40))
sign, logdet = np.linalg.slogdet(a40); d["sign40"] = float(sign); d["logdet40"] = float(logdet)
ab = rng.uniform(-1, 1, (2, 2, 24, 24)); d["ab"] = L(ab)
d["det_ab"] = L(np.linalg.det(ab)); d["inv_ab"] = L(np.linalg.inv(ab))
tri = rng.uniform(-1, 1, (24, 24)) + 6 * np.eye(24); d["tri"] = L(tri)
rhs = rng.uniform(-1, 1, (24, 5)); d["rhs"] = L(rhs)
for lower in (True, False):
    for trans in (0, 1):
        for unit in (False, True):
            key = f"tri_{'l' if lower else 'u'}{trans}{int(unit)}"
            d[key] = L(scipy.linalg.solve_triangular(tri, rhs, lower=lower, trans=trans, unit_diagonal=unit))
for name, shape in (("tall", (30, 20)), ("wide", (12, 25))):
    m = rng.uniform(-1, 1, shape); d[name] = L(m)
    q, r = np.linalg.qr(m); d[f"qr_{name}_q"] = L(q); d[f"qr_{name}_r"] = L(r)
    q, r = np.linalg.qr(m, mode="complete"); d[f"qrfull_{name}_q"] = L(q); d[f"qrfull_{name}_r"] = L(r)
    d[f"svd_{name}_s"] = L(np.linalg.svd(m, compute_uv=False))
s32 = spd(32); d["spd32"] = L(s32); d["eigh32_w"] = L(np.linalg.eigh(s32)[0])
out = os.path.join(os.path.dirname(__file__), "../../Tests/TesseraTests/Data/lapack_cases.json")
json.dump(d, open(out, "w"))
