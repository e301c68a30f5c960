/// The primitive set: every operation Tessera can trace, differentiate, batch and run.
///
/// Every rule (shape/dtype, JVP, VJP, batching, printing, evaluation by a backend) is an
/// exhaustive `switch` over this enum without `default:`, so adding a case without all of
/// its rules does not compile (DESIGN.md, core idea 1). Parameters are associated values;
/// operands are the primitive's inputs in the order given in each case's documentation.
public enum Primitive: Hashable, Sendable {
    // MARK: elementwise

    /// `op(x)`: one operand; output has its shape and dtype (`is_finite`: bool).
    case unary(UnaryOp)
    /// `op(x, y)`: two operands of equal shape and dtype.
    case binary(BinaryOp)
    /// `op(x, y)`: two operands of equal shape and dtype; bool output.
    case compare(CompareOp)
    /// `select_n(which, onFalse, onTrue)`: `which` is bool with the operands' shape.
    case select
    /// `convert_element_type(x)` to `newDType`; `weakType` marks the result weak.
    case convertElementType(newDType: DType, weakType: Bool)
    /// Reinterprets the bits of `x` as `newDType` (same byte size).
    case bitcastConvertType(newDType: DType)

    // MARK: creation

    /// No operands: `0, 1, 2, ...` along `dimension` of `shape`.
    case iota(dtype: DType, shape: [Int], dimension: Int)

    // MARK: shape and movement

    /// `broadcast_in_dim(x)`: operand axis `i` becomes output axis `broadcastDimensions[i]`.
    case broadcastInDim(shape: [Int], broadcastDimensions: [Int])
    /// `reshape(x)` in row-major order.
    case reshape(newSizes: [Int])
    /// `transpose(x)`: output axis `i` is operand axis `permutation[i]`.
    case transpose(permutation: [Int])
    /// Static strided slice `x[start:limit:strides]`.
    case slice(startIndices: [Int], limitIndices: [Int], strides: [Int])
    /// `dynamic_slice(x, i0, i1, ...)`: scalar integer start indices, clamped in bounds.
    case dynamicSlice(sliceSizes: [Int])
    /// `dynamic_update_slice(x, update, i0, i1, ...)`: start indices clamped in bounds.
    case dynamicUpdateSlice
    /// `pad(x, paddingValue)`: `paddingValue` is a scalar of x's dtype.
    case pad(config: [PadConfig])
    /// `concatenate(x0, x1, ...)` along `dimension`.
    case concatenate(dimension: Int)
    /// Reverses the given axes.
    case rev(dimensions: [Int])
    /// `gather(operand, indices)`; the index vector is the last axis of `indices`.
    case gather(dimensionNumbers: GatherDimensionNumbers, sliceSizes: [Int], mode: GatherMode)
    /// `scatter(operand, indices, updates)` combining by `mode`.
    case scatter(dimensionNumbers: ScatterDimensionNumbers, mode: ScatterMode)

    // MARK: reductions and scans

    /// `reduce_*(x)` over `axes` (removed from the shape).
    case reduce(ReduceOp, axes: [Int])
    /// `argmax/argmin(x)` along `axis` (removed), returning `indexDType`.
    case argReduce(ArgReduceOp, axis: Int, indexDType: DType)
    /// Inclusive scan along `axis`, from the end when `reverse`.
    case cumulative(CumulativeOp, axis: Int, reverse: Bool)
    /// `sort(k0, ..., kn)` along `dimension`, lexicographic on the first `numKeys`
    /// operands, stable; all operands are permuted alike (argsort sorts `(x, iota)`).
    case sort(dimension: Int, isStable: Bool, numKeys: Int)

    // MARK: linear algebra

    /// `dot_general(lhs, rhs)`; result in `preferredElementType` if given.
    case dotGeneral(dimensionNumbers: DotDimensionNumbers, preferredElementType: DType?)
    /// `conv_general_dilated(lhs, rhs)`: N-D convolution (see `ConvParams`).
    case convGeneralDilated(ConvParams)
    /// A decomposition or triangular solve on the trailing two axes (see `LinalgOp`).
    case linalg(LinalgOp)

    // MARK: random

    /// `threefry2x32(k0, k1, x0, x1)` -> `(y0, y1)`: the Threefry-2x32 block cipher
    /// (20 rounds) on uint32 operands of one shape, as JAX's primitive.
    case threefry2x32

    // MARK: autodiff helpers

    /// Identity whose derivative is zero.
    case stopGradient

    // MARK: control flow

    /// `cond(index, ops...)`: runs `branches[index]` (index clamped) on `ops`.
    case cond(branches: [ClosedJaxpr])
    /// `while(condConsts..., bodyConsts..., carry...)`.
    case whileLoop(cond: ClosedJaxpr, body: ClosedJaxpr, condConstCount: Int, bodyConstCount: Int)
    /// `scan(consts..., carry..., xs...)` -> `(carry..., ys...)` over `length` steps.
    case scan(body: ClosedJaxpr, length: Int, reverse: Bool, constCount: Int, carryCount: Int)

    // MARK: collectives

    /// A collective over the named axis `axisName` of `axisSize` participants (`psum(x)`,
    /// `all_gather(x)`, `axis_index()`, ...). Run by the `pmap` runtime between compiled
    /// segments, never by a backend's `execute`.
    case collective(CollectiveOp, axisName: String, axisSize: Int)
}
