/// Thin wrappers that bind one primitive each, with strict operand types (as `jax.lax`):
/// no broadcasting and no type promotion. The NumPy-like `Tensor` API and every rule
/// (JVP, VJP, batching) are written on these.
///
/// ```swift
/// Lax.binary(.add, x, y)          // x and y must have one shape and dtype
/// Lax.reduce(.sum, x, axes: [0])
/// ```
public enum Lax {
    /// `op(x)`.
    public static func unary(_ op: UnaryOp, _ x: Tensor) -> Tensor { bind1(.unary(op), x) }
    /// `op(x, y)` on equal shapes and dtypes.
    public static func binary(_ op: BinaryOp, _ x: Tensor, _ y: Tensor) -> Tensor { bind1(.binary(op), x, y) }
    /// `op(x, y)` -> bool.
    public static func compare(_ op: CompareOp, _ x: Tensor, _ y: Tensor) -> Tensor { bind1(.compare(op), x, y) }
    /// `which ? onTrue : onFalse` elementwise (JAX's `select_n(which, onFalse, onTrue)`).
    public static func select(_ which: Tensor, onTrue: Tensor, onFalse: Tensor) -> Tensor {
        bind1(.select, which, onFalse, onTrue)
    }
    /// Converts to `dtype` (C-like conversion; float to int truncates toward zero).
    public static func convert(_ x: Tensor, to dtype: DType, weak: Bool = false) -> Tensor {
        if x.dtype == dtype && x.isWeaklyTyped == weak { return x }
        return bind1(.convertElementType(newDType: dtype, weakType: weak), x)
    }
    /// Reinterprets bits as `dtype` of the same size.
    public static func bitcast(_ x: Tensor, to dtype: DType) -> Tensor { bind1(.bitcastConvertType(newDType: dtype), x) }
    /// `0, 1, 2, ...` along `dimension`.
    public static func iota(_ dtype: DType, shape: [Int], dimension: Int = 0) -> Tensor {
        bind(.iota(dtype: dtype, shape: shape, dimension: dimension), [])[0]
    }
    /// Broadcasts `x` into `shape`, operand axis `i` going to output axis `dims[i]`.
    public static func broadcastInDim(_ x: Tensor, shape: [Int], dims: [Int]) -> Tensor {
        if x.shape == shape && dims == Array(0..<shape.count) { return x }
        return bind1(.broadcastInDim(shape: shape, broadcastDimensions: dims), x)
    }
    /// Broadcasts `x` to `shape` aligning trailing axes (NumPy rule).
    public static func broadcast(_ x: Tensor, to shape: [Int]) -> Tensor {
        if x.shape == shape { return x }
        let offset = shape.count - x.rank
        return broadcastInDim(x, shape: shape, dims: Array(offset..<shape.count))
    }
    /// Row-major reshape.
    public static func reshape(_ x: Tensor, _ shape: [Int]) -> Tensor {
        if x.shape == shape { return x }
        return bind1(.reshape(newSizes: shape), x)
    }
    /// Permutes axes: output axis `i` is input axis `perm[i]`.
    public static func transpose(_ x: Tensor, _ perm: [Int]) -> Tensor {
        if perm == Array(0..<x.rank) { return x }
        return bind1(.transpose(permutation: perm), x)
    }
    /// Static strided slice.
    public static func slice(_ x: Tensor, start: [Int], limit: [Int], strides: [Int]? = nil) -> Tensor {
        let s = strides ?? [Int](repeating: 1, count: x.rank)
        if start.allSatisfy({ $0 == 0 }) && limit == x.shape && s.allSatisfy({ $0 == 1 }) { return x }
        return bind1(.slice(startIndices: start, limitIndices: limit, strides: s), x)
    }
    /// Slice `[start, start+size)` of one axis.
    public static func sliceInDim(_ x: Tensor, axis: Int, start: Int, limit: Int, stride: Int = 1) -> Tensor {
        var s = [Int](repeating: 0, count: x.rank), l = x.shape, st = [Int](repeating: 1, count: x.rank)
        s[axis] = start; l[axis] = limit; st[axis] = stride
        return slice(x, start: s, limit: l, strides: st)
    }
    /// Element `index` of `axis`, with that axis removed.
    public static func indexInDim(_ x: Tensor, axis: Int, index: Int) -> Tensor {
        let s = sliceInDim(x, axis: axis, start: index, limit: index + 1)
        var shape = x.shape
        shape.remove(at: axis)
        return reshape(s, shape)
    }
    /// Slice of `sizes` starting at traced scalar `starts` (clamped in bounds).
    public static func dynamicSlice(_ x: Tensor, starts: [Tensor], sizes: [Int]) -> Tensor {
        bind(.dynamicSlice(sliceSizes: sizes), [x] + starts)[0]
    }
    /// `x` with `update` written at traced scalar `starts` (clamped in bounds).
    public static func dynamicUpdateSlice(_ x: Tensor, _ update: Tensor, starts: [Tensor]) -> Tensor {
        bind(.dynamicUpdateSlice, [x, update] + starts)[0]
    }
    /// Pads with the scalar `value` (low, high and interior padding per axis).
    public static func pad(_ x: Tensor, _ value: Tensor, _ config: [PadConfig]) -> Tensor {
        bind1(.pad(config: config), x, value)
    }
    /// Joins along `axis`.
    public static func concatenate(_ xs: [Tensor], axis: Int) -> Tensor {
        if xs.count == 1 { return xs[0] }
        return bind(.concatenate(dimension: axis), xs)[0]
    }
    /// Reverses `axes`.
    public static func rev(_ x: Tensor, axes: [Int]) -> Tensor {
        if axes.isEmpty { return x }
        return bind1(.rev(dimensions: axes), x)
    }
    /// XLA gather.
    public static func gather(_ x: Tensor, _ indices: Tensor, _ dn: GatherDimensionNumbers, sliceSizes: [Int],
                              mode: GatherMode = .clip) -> Tensor {
        bind1(.gather(dimensionNumbers: dn, sliceSizes: sliceSizes, mode: mode), x, indices)
    }
    /// XLA scatter.
    public static func scatter(_ x: Tensor, _ indices: Tensor, _ updates: Tensor, _ dn: ScatterDimensionNumbers,
                               mode: ScatterMode) -> Tensor {
        bind1(.scatter(dimensionNumbers: dn, mode: mode), x, indices, updates)
    }
    /// Reduction over `axes`.
    public static func reduce(_ op: ReduceOp, _ x: Tensor, axes: [Int]) -> Tensor {
        if axes.isEmpty { return x }
        return bind1(.reduce(op, axes: axes), x)
    }
    /// argmax / argmin along `axis`.
    public static func argReduce(_ op: ArgReduceOp, _ x: Tensor, axis: Int, indexDType: DType = .int32) -> Tensor {
        bind1(.argReduce(op, axis: axis, indexDType: indexDType), x)
    }
    /// Inclusive scan along `axis`.
    public static func cumulative(_ op: CumulativeOp, _ x: Tensor, axis: Int, reverse: Bool = false) -> Tensor {
        bind1(.cumulative(op, axis: axis, reverse: reverse), x)
    }
    /// Sorts operands along `dimension` by the first `numKeys` of them.
    public static func sort(_ xs: [Tensor], dimension: Int, isStable: Bool = true, numKeys: Int = 1) -> [Tensor] {
        bind(.sort(dimension: dimension, isStable: isStable, numKeys: numKeys), xs)
    }
    /// General tensor contraction.
    public static func dotGeneral(_ lhs: Tensor, _ rhs: Tensor, _ dn: DotDimensionNumbers, preferred: DType? = nil) -> Tensor {
        bind1(.dotGeneral(dimensionNumbers: dn, preferredElementType: preferred), lhs, rhs)
    }
    /// The Threefry-2x32 block cipher on uint32 words.
    public static func threefry2x32(_ k0: Tensor, _ k1: Tensor, _ x0: Tensor, _ x1: Tensor) -> (Tensor, Tensor) {
        let r = bind(.threefry2x32, [k0, k1, x0, x1])
        return (r[0], r[1])
    }
    /// Identity with zero derivative.
    public static func stopGradient(_ x: Tensor) -> Tensor { bind1(.stopGradient, x) }

    /// A scalar of `dtype` (strongly typed), e.g. `Lax.scalar(0, .float32)`.
    public static func scalar(_ value: Double, _ dtype: DType) -> Tensor {
        Tensor(literal: ScalarLiteral(.float(value), dtype: dtype))
    }
    /// A tensor of `shape` and `dtype` filled with `value`.
    public static func full(_ value: Double, shape: [Int], dtype: DType) -> Tensor {
        broadcastInDim(scalar(value, dtype), shape: shape, dims: [])
    }
    /// Zeros with the shape and dtype of `x`.
    public static func zerosLike(_ x: Tensor) -> Tensor { full(0, shape: x.shape, dtype: x.dtype) }
    /// Ones with the shape and dtype of `x`.
    public static func onesLike(_ x: Tensor) -> Tensor { full(1, shape: x.shape, dtype: x.dtype) }
    /// Inserts an axis of size 1 at `axis`.
    public static func expandDims(_ x: Tensor, axis: Int) -> Tensor {
        var shape = x.shape
        shape.insert(1, at: axis)
        return reshape(x, shape)
    }
    /// Stacks equal-shaped tensors along a new leading axis.
    public static func stack(_ xs: [Tensor], axis: Int = 0) -> Tensor {
        concatenate(xs.map { expandDims($0, axis: axis) }, axis: axis)
    }
}
