"""Reference values for Special and NN (Tests/TesseraTests/Data/special_cases.json and nn_cases.json), from SciPy and JAX (float64)."""
import json, os
import numpy as np
import scipy.special as sp
import jax
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp
import jax.nn as jnn

rng = np.random.default_rng(2)
x = rng.uniform(-4, 4, (3, 5))
pos = rng.uniform(0.1, 6, (7,))
unit = rng.uniform(-0.99, 0.99, (7,))
prob = rng.uniform(0.01, 0.99, (7,))
xs = np.array([0.0, 0.0, 1.5, 2.0, -1.0, 3.0, 0.5])
ys = np.array([0.0, 2.0, 0.5, 3.0, 0.25, 1.0, 0.0])
big = np.array([[1000.0, 1001.0, 999.0], [-np.inf, 0.0, 1.0]])
def L(v): return [("nan" if np.isnan(t) else ("inf" if t == np.inf else ("-inf" if t == -np.inf else float(t)))) for t in np.asarray(v).ravel()]
special = dict(x=L(x), pos=L(pos), unit=L(unit), prob=L(prob), xs=L(xs), ys=L(ys), big=L(big),
    logsumexp_all=L(sp.logsumexp(x)), logsumexp_axis1=L(sp.logsumexp(x, axis=1)),
    logsumexp_big=L(sp.logsumexp(big, axis=1)),
    gammaln=L(sp.gammaln(pos)), digamma=L(sp.digamma(pos)), erfinv=L(sp.erfinv(unit)),
    xlogy=L(sp.xlogy(xs, ys)), xlog1py=L(sp.xlog1py(xs, ys)), logit=L(sp.logit(prob)), expit=L(sp.expit(x)))
nn = dict(x=L(x), big=L(big), labels=[0, 2, 4, 1, 3, 5],
    relu=L(jnn.relu(x)), gelu_tanh=L(jnn.gelu(x, approximate=True)), gelu_erf=L(jnn.gelu(x, approximate=False)),
    silu=L(jnn.silu(x)), softplus=L(jnn.softplus(x)), softmax0=L(jnn.softmax(x, axis=0)), softmax1=L(jnn.softmax(x, axis=-1)),
    log_softmax1=L(jnn.log_softmax(x, axis=-1)), softmax_big=L(jnn.softmax(big, axis=-1)), log_softmax_big=L(jnn.log_softmax(big, axis=-1)),
    one_hot=L(jnn.one_hot(jnp.array([0, 2, 4, 1, 3, 5]), 5)))
d = os.path.join(os.path.dirname(__file__), "../../Tests/TesseraTests/Data/")
json.dump(special, open(d + "special_cases.json", "w"))
json.dump(nn, open(d + "nn_cases.json", "w"))
