"""Reference values for Linalg (Tests/TesseraTests/Data/linalg_cases.json), from NumPy/SciPy (float64)."""
import json, os
import numpy as np
import scipy.linalg

rng = np.random.default_rng(1)
def spd(n, batch=()):
    a = rng.uniform(-1, 1, batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)

a = rng.uniform(-1, 1, (4, 4)) + 4 * np.eye(4)
ab = rng.uniform(-1, 1, (3, 4, 4))
b = rng.uniform(-1, 1, (4, 2))
bv = rng.uniform(-1, 1, (4,))
s = spd(4)
sb = spd(3, (2,))
tall = rng.uniform(-1, 1, (5, 3))
wide = rng.uniform(-1, 1, (3, 5))
tri = np.tril(rng.uniform(-1, 1, (4, 4))) + 3 * np.eye(4)
sign, logdet = np.linalg.slogdet(ab)
q, r = np.linalg.qr(tall)
def L(x): return np.asarray(x).ravel().tolist()
d = dict(
    a=L(a), a_shape=[4, 4], ab=L(ab), ab_shape=[3, 4, 4], b=L(b), b_shape=[4, 2], bv=L(bv),
    spd=L(s), spd_batch=L(sb), spd_batch_shape=[2, 3, 3], tall=L(tall), wide=L(wide), tri=L(tri),
    cholesky=L(np.linalg.cholesky(s)), cholesky_batch=L(np.linalg.cholesky(sb)),
    solve=L(np.linalg.solve(a, b)), solve_vector=L(np.linalg.solve(a, bv)),
    inv=L(np.linalg.inv(a)), det=float(np.linalg.det(a)), det_batch=L(np.linalg.det(ab)),
    slogdet_sign=L(sign), slogdet_logabsdet=L(logdet),
    tri_solve_lower=L(scipy.linalg.solve_triangular(tri, b, lower=True)),
    tri_solve_lower_trans=L(scipy.linalg.solve_triangular(tri, b, lower=True, trans=1)),
    qr_q=L(q), qr_r=L(r),
    eigh_w=L(np.linalg.eigh(s)[0]),
    svd_tall_s=L(np.linalg.svd(tall, compute_uv=False)), svd_wide_s=L(np.linalg.svd(wide, compute_uv=False)),
    norm_fro=float(np.linalg.norm(a)), norm_1=float(np.linalg.norm(a, 1)), norm_inf=float(np.linalg.norm(a, np.inf)),
    norm_2=float(np.linalg.norm(a, 2)), norm_nuc=float(np.linalg.norm(a, "nuc")),
    norm_vec_3=float(np.linalg.norm(bv, 3)), norm_vec_inf=float(np.linalg.norm(bv, np.inf)),
)
out = os.path.join(os.path.dirname(__file__), "../../Tests/TesseraTests/Data/linalg_cases.json")
json.dump(d, open(out, "w"))
