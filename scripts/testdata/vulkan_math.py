"""Reference values (float64 bit patterns as hex strings) for the Vulkan GLSL math library
(Tests/TesseraTests/Vulkan/VulkanMathTests.swift): sin/cos/tan of large arguments (argument
reduction), float64 pow, erf and erf_inv.

The expected values are exact evaluations (mpmath at 300 digits) rounded to float64: NumPy
(2.4) and JAX (0.10) are themselves off on some of these inputs (np.cos(5.319372648326541e255)
by 8 ulp, jax.scipy.special.erfinv(0.999999) by 3464 ulp). The script prints where NumPy/JAX
disagree with the exact values by more than 4 ulp, as a cross-check."""
import json
import numpy as np
import jax

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp
import jax.scipy.special as jss
import mpmath

mpmath.mp.dps = 300


def exact(f, *args):
    return np.array([float(f(*[mpmath.mpf(float(a[i])) for a in args])) for i in range(len(args[0]))])


def cross_check(name, ours, theirs):
    for a, b in zip(ours, theirs):
        if abs(a - b) > 4 * np.spacing(abs(a)):
            print(f"{name}: exact {a!r}, numpy/jax {b!r}")

rng = np.random.default_rng(0)
big = [1e5 + 0.5, 8e5, 8.5e5, 1e6, 123456789.123, 1e10, 1e15, 2.0**52 + 1, 1e22, 1e30, 1e100, 1e200, 1e300,
       1.7976931348623157e308, 6381956970095103 * 2.0**797, -1e30, -3.0e7, 2.5e19, 5.319372648326541e255]
big += list(rng.choice([-1, 1], 40) * 10.0 ** rng.uniform(5, 308, 40))
x64 = np.array(big, dtype=np.float64)
x32 = np.array([v for v in big if abs(v) < 3e38], dtype=np.float32)
px = rng.uniform(0.05, 10, 60)
py = rng.uniform(-30, 30, 60)
px = np.concatenate([px, [1.5, 2.0, 10.0, 0.999, 4.584999999999999, 1e-3]])
py = np.concatenate([py, [10.0, 0.5, -5.0, 1000.0, -2.8, 7.5]])
erf_x = np.concatenate([np.linspace(-6, 6, 97), rng.uniform(-3, 3, 40)])
erfinv_y = np.concatenate([np.linspace(-0.999, 0.999, 41), [-0.999999, 0.999999, 0.99, -0.99, 1e-8, 0.5]])


def enc(a):
    # Bit patterns of the float64 values as hex strings: JSON decimal numbers do not
    # round-trip exactly through Foundation's JSONSerialization on Linux, and the sine of
    # 1e121 depends on the last bit of its argument.
    return ["%016x" % int(np.float64(v).view(np.uint64)) for v in a]


def trig(x, rounding):
    return {name: enc(rounding(exact(f, x))) for name, f in [("sin", mpmath.sin), ("cos", mpmath.cos), ("tan", mpmath.tan)]}


t64 = trig(x64, lambda v: v)
t32 = trig(x32.astype(np.float64), lambda v: v.astype(np.float32).astype(np.float64))
for name, f in [("sin", np.sin), ("cos", np.cos), ("tan", np.tan)]:
    cross_check(f"{name} float64", exact(getattr(mpmath, name), x64), f(x64))
p_exact = exact(mpmath.power, px, py)
erf_exact = exact(mpmath.erf, erf_x)
erfinv_exact = exact(mpmath.erfinv, erfinv_y)
cross_check("pow", p_exact, np.power(px, py))
cross_check("erf", erf_exact, np.asarray(jss.erf(jnp.asarray(erf_x))))
cross_check("erf_inv", erfinv_exact, np.asarray(jss.erfinv(jnp.asarray(erfinv_y))))
out = {
    "trig64": {"x": enc(x64), **t64},
    "trig32": {"x": enc(x32.astype(np.float64)), **t32},
    "pow64": {"x": enc(px), "y": enc(py), "pow": enc(p_exact)},
    "erf64": {"x": enc(erf_x), "erf": enc(erf_exact)},
    "erfinv64": {"y": enc(erfinv_y), "erfinv": enc(erfinv_exact)},
}
with open("Tests/TesseraTests/Data/vulkan_math.json", "w") as f:
    json.dump(out, f)
