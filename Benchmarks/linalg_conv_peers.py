"""Peers of Benchmarks/Benchmarks/LinalgConv (same shapes, same output format): the 3x3 conv
with JAX (jit, CPU), cholesky and solve of 1024x1024 with NumPy (and JAX).

    python3 Benchmarks/linalg_conv_peers.py [repeats]
"""
import sys, time
import numpy as np
import jax, jax.numpy as jnp

jax.config.update("jax_enable_x64", True)
repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5

def measure(name, fn):
    fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter(); fn(); times.append((time.perf_counter() - t) * 1e3)
    times.sort()
    print(f"{name}: min {times[0]:.2f} ms, median {times[len(times) // 2]:.2f} ms")

print(f"numpy {np.__version__}, jax {jax.__version__} ({jax.devices()[0].platform}); {repeats} runs after one warm-up")
rng = np.random.default_rng(0)
images = jnp.asarray(rng.standard_normal((32, 64, 56, 56), dtype=np.float32))
kernels = jnp.asarray(0.05 * rng.standard_normal((64, 64, 3, 3), dtype=np.float32))
conv = jax.jit(lambda x, w: jax.lax.conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers=("NCHW", "OIHW", "NCHW")))
measure("conv 3x3 SAME NCHW f32 [32,64,56,56] x [64,64,3,3] jax jit", lambda: conv(images, kernels).block_until_ready())

n = 1024
for dtype, name in ((np.float64, "f64"), (np.float32, "f32")):
    x = rng.standard_normal((n, n)).astype(dtype)
    spd = (x @ x.T + n * np.eye(n)).astype(dtype)
    general = (x + np.sqrt(n) * np.eye(n)).astype(dtype)
    b = rng.standard_normal(n).astype(dtype)
    bm = rng.standard_normal((n, n)).astype(dtype)
    measure(f"cholesky {n}x{n} {name} numpy", lambda: np.linalg.cholesky(spd))
    measure(f"solve {n}x{n}, b [{n}] {name} numpy", lambda: np.linalg.solve(general, b))
    measure(f"solve {n}x{n}, b [{n}, {n}] {name} numpy", lambda: np.linalg.solve(general, bm))
    js, jg, jb, jbm = (jnp.asarray(v) for v in (spd, general, b, bm))
    chol, solve = jax.jit(jnp.linalg.cholesky), jax.jit(jnp.linalg.solve)
    measure(f"cholesky {n}x{n} {name} jax jit", lambda: chol(js).block_until_ready())
    measure(f"solve {n}x{n}, b [{n}] {name} jax jit", lambda: solve(jg, jb).block_until_ready())
    measure(f"solve {n}x{n}, b [{n}, {n}] {name} jax jit", lambda: solve(jg, jbm).block_until_ready())
