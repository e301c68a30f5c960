"""Reference values for Tessera's elementwise API (operators, math functions, where,
comparisons, promotion with weak literals). Run: python3 scripts/testdata/api_elementwise.py"""
import numpy as np
import jax
import jax.numpy as jnp
from jax import lax
from jax._src.numpy.util import promote_dtypes, promote_dtypes_inexact
from api_common import Cases, sample, DTYPES, FLOATS, INTS

c = Cases()


def lax_binary(f):
    """Promotion and broadcasting as jnp, then the lax op (truncating div/rem)."""
    def g(a, b):
        a, b = promote_dtypes(a, b)
        a, b = jnp.broadcast_arrays(a, b)
        return f(a, b)
    return g


def jax_floor_divide(a, b):
    return jnp.floor_divide(a, b)


BINARY = {
    "add": (lambda a, b: a + b, DTYPES),
    "subtract": (lambda a, b: a - b, [d for d in DTYPES if d != "bool"]),
    "multiply": (lambda a, b: a * b, DTYPES),
    "divide": (lax_binary(lax.div), [d for d in DTYPES if d != "bool"]),
    "remainder": (lax_binary(lax.rem), [d for d in DTYPES if d != "bool"]),
    "pow": (jnp.power, [d for d in DTYPES if d != "bool"]),
    "maximum": (jnp.maximum, DTYPES),
    "minimum": (jnp.minimum, DTYPES),
    "floorDivide": (jax_floor_divide, [d for d in DTYPES if d != "bool"]),
    "atan2": (jnp.arctan2, FLOATS),
    "bitwiseAnd": (jnp.bitwise_and, ["bool"] + INTS),
    "bitwiseOr": (jnp.bitwise_or, ["bool"] + INTS),
    "bitwiseXor": (jnp.bitwise_xor, ["bool"] + INTS),
    "equal": (jnp.equal, DTYPES),
    "notEqual": (jnp.not_equal, DTYPES),
    "less": (jnp.less, DTYPES),
    "lessEqual": (jnp.less_equal, DTYPES),
    "greater": (jnp.greater, DTYPES),
    "greaterEqual": (jnp.greater_equal, DTYPES),
}

SHAPES = [([2, 3], [2, 3]), ([2, 3], [3]), ([4, 1], [1, 5]), ([], [3]), ([0, 3], [3]), ([], [])]

for op, (fn, dtypes) in BINARY.items():
    divisor = op in ("divide", "remainder", "floorDivide")
    # JAX marks some bool comparison results weak; only the dtype matters there.
    weak = not (fn is jnp.equal or op in ("notEqual", "less", "lessEqual", "greater", "greaterEqual"))
    for d in dtypes:
        for sa, sb in SHAPES:
            special = d in FLOATS and op not in ("pow",)
            a = sample(d, sa, special=special)
            if op == "pow":
                a = sample(d, sa, positive=d in FLOATS, low=0 if d in INTS else None, high=4 if d in INTS else None)
                b = sample(d, sb, low=0, high=4) if d in INTS else sample(d, sb, low=-2.0, high=2.0)
            elif divisor:
                b = sample(d, sb, nonzero=True, special=False)
            else:
                b = sample(d, sb, special=special)
            c.add(op, fn, [a, b])
        # weak scalar literals on either side
        if d == "bool":
            continue
        lit = 3 if op != "pow" else 2
        if op not in ("atan2",) or d in FLOATS:
            c.add(op, fn, [sample(d, [2, 2], nonzero=divisor, positive=op == "pow"), lit], check_weak=weak)
        if not divisor and op != "pow":
            c.add(op, fn, [2, sample(d, [3], special=False)], check_weak=weak)
        if op in ("add", "multiply", "subtract", "divide", "maximum", "less", "pow") and op != "atan2":
            c.add(op, fn, [sample(d, [3], positive=True), 2.5], check_weak=weak)

# Float remainder keeps the dividend's sign (fmod); integer division truncates.
c.add("remainder", lax_binary(lax.rem), [np.array([-7.5, 7.5, -7.5, 7.5], np.float32), np.array([2, 2, -2, -2], np.float32)])
c.add("divide", lax_binary(lax.div), [np.array([-7, 7, -7, 7], np.int32), np.array([2, 2, -2, -2], np.int32)])
c.add("remainder", lax_binary(lax.rem), [np.array([-7, 7, -7, 7], np.int32), np.array([2, 2, -2, -2], np.int32)])
c.add("floorDivide", jnp.floor_divide, [np.array([-7, 7, -7, 7, 0], np.int32), np.array([2, 2, -2, -2, 3], np.int32)])
c.add("floorDivide", jnp.floor_divide, [np.array([-7.5, 7.5, -7.5, 7.5, np.inf, 1.0], np.float32),
                                        np.array([2, 2, -2, -2, 2, np.inf], np.float32)])

# Promotion of every pair of dtypes (strong operands).
for da in DTYPES:
    for db in DTYPES:
        c.add("add", lambda a, b: a + b, [sample(da, [2]), sample(db, [2])], check_weak=True, x64=True)
# Weak literal promotion cases from the issue.
c.add("add", lambda a, b: a + b, [sample("float16", [3]), 2.5], check_weak=True)
c.add("multiply", lambda a, b: a * b, [sample("int32", [3]), 2.5], check_weak=True)
c.add("add", lambda a, b: a + b, [sample("uint32", [3]), 2], check_weak=True)
c.add("add", lambda a, b: a + b, [sample("bool", [3]), 2], check_weak=True)
c.add("add", lambda a, b: a + b, [sample("bool", [3]), 2.5], check_weak=True)
c.add("add", jnp.add, [2, 2.5], check_weak=True)
c.add("multiply", jnp.multiply, [3, 4], check_weak=True)

UNARY_FLOAT = {
    "exp": jnp.exp, "exp2": jnp.exp2, "log": jnp.log, "log1p": jnp.log1p, "expm1": jnp.expm1,
    "sin": jnp.sin, "cos": jnp.cos, "tan": jnp.tan, "tanh": jnp.tanh, "sqrt": jnp.sqrt,
    "erf": jax.scipy.special.erf, "sigmoid": jax.nn.sigmoid,
}
# Integer and bool inputs are converted to JAX's default float type first, as jnp does.
UNARY_FLOAT = {k: (lambda f: lambda x: f(*promote_dtypes_inexact(x)))(f) for k, f in UNARY_FLOAT.items()}
for op, fn in UNARY_FLOAT.items():
    for d in FLOATS + ["int32", "int64", "uint32", "bool"]:
        positive = op in ("log", "sqrt") and d in FLOATS
        x = sample(d, [2, 4], special=d in FLOATS, low=-0.9 if op == "log1p" else None, high=4 if d in INTS else None)
        if positive:
            x = np.abs(x)
        c.add(op, fn, [x])
    c.add(op, fn, [sample("float32", [0])])
    c.add(op, fn, [np.float32(0.5)])
for d in FLOATS:
    c.add("rsqrt", lax.rsqrt, [np.abs(sample(d, [2, 4], special=True))])

for op, fn, dtypes in [("abs", jnp.abs, ["int32", "int64", "uint32", "bool"] + FLOATS),
                       ("sign", jnp.sign, ["int32", "int64", "uint32"] + FLOATS),
                       ("negative", jnp.negative, ["int32", "int64", "uint32"] + FLOATS),
                       ("floor", jnp.floor, ["int32", "int64", "uint32"] + FLOATS),
                       ("ceil", jnp.ceil, ["int32", "int64", "uint32"] + FLOATS),
                       ("round", jnp.round, ["int32", "int64", "uint32"] + FLOATS),
                       ("isFinite", jnp.isfinite, DTYPES),
                       ("isNaN", jnp.isnan, DTYPES),
                       ("bitwiseNot", jnp.invert, ["bool"] + INTS),
                       ("logicalNot", jnp.logical_not, DTYPES)]:
    for d in dtypes:
        c.add(op, fn, [sample(d, [2, 4], special=d in FLOATS)])
c.add("round", jnp.round, [np.array([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.4999, 3.7], np.float32)])

# where with broadcasting and literals
for d in DTYPES:
    c.add("where", jnp.where, [sample("bool", [2, 3]), sample(d, [2, 3]), sample(d, [3])])
c.add("where", jnp.where, [sample("bool", [3, 1]), sample("float32", [1, 4]), 0.0], check_weak=True)
c.add("where", jnp.where, [sample("int32", [4]), 1, sample("int32", [4])])
c.add("where", jnp.where, [sample("bool", [2, 2]), sample("int32", [2, 2]), sample("float16", [2, 2])])
c.add("where", jnp.where, [sample("bool", [0]), sample("float32", [0]), 1.0])

c.write("api_elementwise.json")
