"""Reference values for conv_general_dilated (Tests/TesseraTests/Data/conv_cases.json), from JAX on CPU (float64)."""
import json, os
import numpy as np
import jax
jax.config.update("jax_enable_x64", True)
from jax import lax

rng = np.random.default_rng(0)
cases = []
def case(name, lhs_shape, rhs_shape, layouts, **kw):
    lhs = rng.uniform(-1, 1, lhs_shape)
    rhs = rng.uniform(-1, 1, rhs_shape)
    dn = lax.conv_dimension_numbers(lhs_shape, rhs_shape, layouts)
    out = lax.conv_general_dilated(lhs, rhs, dimension_numbers=dn, **kw)
    pad = kw.get("padding")
    cases.append(dict(name=name, lhs=lhs.ravel().tolist(), lhs_shape=list(lhs_shape), rhs=rhs.ravel().tolist(),
                      rhs_shape=list(rhs_shape), layouts=list(layouts), window_strides=list(kw["window_strides"]),
                      padding=pad if isinstance(pad, str) else [list(p) for p in pad],
                      lhs_dilation=list(kw.get("lhs_dilation") or [1] * len(kw["window_strides"])),
                      rhs_dilation=list(kw.get("rhs_dilation") or [1] * len(kw["window_strides"])),
                      feature_group_count=kw.get("feature_group_count", 1),
                      batch_group_count=kw.get("batch_group_count", 1),
                      out=np.asarray(out).ravel().tolist(), out_shape=list(out.shape)))

case("nchw_basic", (2, 3, 7, 6), (4, 3, 3, 2), ("NCHW", "OIHW", "NCHW"), window_strides=(1, 1), padding="VALID")
case("nchw_same_stride", (2, 3, 7, 6), (4, 3, 3, 3), ("NCHW", "OIHW", "NCHW"), window_strides=(2, 1), padding="SAME")
case("nhwc_hwio", (2, 6, 5, 3), (3, 2, 3, 4), ("NHWC", "HWIO", "NHWC"), window_strides=(1, 2), padding=((1, 2), (0, 1)))
case("dilated", (1, 2, 9, 8), (3, 2, 3, 2), ("NCHW", "OIHW", "NCHW"), window_strides=(1, 1), padding=((2, 1), (1, 1)),
     lhs_dilation=(2, 1), rhs_dilation=(1, 3))
case("groups", (2, 4, 6, 5), (6, 2, 2, 3), ("NCHW", "OIHW", "NCHW"), window_strides=(1, 1), padding="SAME", feature_group_count=2)
case("depthwise_nhwc", (1, 5, 5, 3), (3, 3, 1, 3), ("NHWC", "HWIO", "NHWC"), window_strides=(1, 1), padding="SAME", feature_group_count=3)
case("batch_groups", (4, 3, 5, 4), (6, 3, 2, 2), ("NCHW", "OIHW", "NCHW"), window_strides=(1, 1), padding="VALID", batch_group_count=2)
case("conv1d", (2, 3, 10), (2, 3, 4), ("NCH", "OIH", "NCH"), window_strides=(3,), padding=((1, 2),))
case("conv3d", (1, 2, 4, 3, 5), (2, 2, 2, 2, 3), ("NCDHW", "OIDHW", "NCDHW"), window_strides=(1, 1, 2), padding="SAME")
case("negative_padding", (1, 1, 8, 8), (1, 1, 3, 3), ("NCHW", "OIHW", "NCHW"), window_strides=(1, 1), padding=((-1, 0), (1, -2)))

out = os.path.join(os.path.dirname(__file__), "../../Tests/TesseraTests/Data/conv_cases.json")
json.dump(cases, open(out, "w"))
