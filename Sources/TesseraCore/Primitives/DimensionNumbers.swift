/// Which axes of `dot_general`'s operands are contracted and which are batch axes.
///
/// The output has the batch axes first, then the free axes of lhs, then those of rhs.
/// ```swift
/// // matmul of [m,k] x [k,n]:
/// DotDimensionNumbers(lhsContracting: [1], rhsContracting: [0])
/// ```
public struct DotDimensionNumbers: Hashable, Sendable {
    public var lhsContracting: [Int]
    public var rhsContracting: [Int]
    public var lhsBatch: [Int]
    public var rhsBatch: [Int]

    /// Creates dimension numbers.
    public init(lhsContracting: [Int], rhsContracting: [Int], lhsBatch: [Int] = [], rhsBatch: [Int] = []) {
        self.lhsContracting = lhsContracting
        self.rhsContracting = rhsContracting
        self.lhsBatch = lhsBatch
        self.rhsBatch = rhsBatch
    }
}

/// XLA/JAX gather dimension numbers. The index vector is always the last axis of the
/// indices operand.
///
/// See `jax.lax.GatherDimensionNumbers`.
public struct GatherDimensionNumbers: Hashable, Sendable {
    /// Output axes that hold the slice (offset) axes.
    public var offsetDims: [Int]
    /// Operand axes whose slice size is 1 and that do not appear in the output.
    public var collapsedSliceDims: [Int]
    /// For each component of the index vector, the operand axis it indexes.
    public var startIndexMap: [Int]
    /// Operand axes that are batch axes matched with `startIndicesBatchingDims`.
    public var operandBatchingDims: [Int]
    /// Indices axes that are batch axes matched with `operandBatchingDims`.
    public var startIndicesBatchingDims: [Int]

    /// Creates gather dimension numbers.
    public init(offsetDims: [Int], collapsedSliceDims: [Int], startIndexMap: [Int],
                operandBatchingDims: [Int] = [], startIndicesBatchingDims: [Int] = []) {
        self.offsetDims = offsetDims
        self.collapsedSliceDims = collapsedSliceDims
        self.startIndexMap = startIndexMap
        self.operandBatchingDims = operandBatchingDims
        self.startIndicesBatchingDims = startIndicesBatchingDims
    }
}

/// XLA/JAX scatter dimension numbers. The index vector is always the last axis of the
/// indices operand.
public struct ScatterDimensionNumbers: Hashable, Sendable {
    /// Update axes that are window (slice) axes.
    public var updateWindowDims: [Int]
    /// Operand axes of window size 1 that do not appear in the updates.
    public var insertedWindowDims: [Int]
    /// For each component of the index vector, the operand axis it indexes.
    public var scatterDimsToOperandDims: [Int]
    /// Operand axes that are batch axes matched with `scatterIndicesBatchingDims`.
    public var operandBatchingDims: [Int]
    /// Indices axes that are batch axes matched with `operandBatchingDims`.
    public var scatterIndicesBatchingDims: [Int]

    /// Creates scatter dimension numbers.
    public init(updateWindowDims: [Int], insertedWindowDims: [Int], scatterDimsToOperandDims: [Int],
                operandBatchingDims: [Int] = [], scatterIndicesBatchingDims: [Int] = []) {
        self.updateWindowDims = updateWindowDims
        self.insertedWindowDims = insertedWindowDims
        self.scatterDimsToOperandDims = scatterDimsToOperandDims
        self.operandBatchingDims = operandBatchingDims
        self.scatterIndicesBatchingDims = scatterIndicesBatchingDims
    }
}

/// Padding of one axis: `low` and `high` elements at the ends (negative values crop) and
/// `interior` elements between each pair of elements.
public struct PadConfig: Hashable, Sendable {
    public var low: Int
    public var high: Int
    public var interior: Int
    /// Creates a padding configuration for one axis.
    public init(low: Int, high: Int, interior: Int = 0) {
        self.low = low
        self.high = high
        self.interior = interior
    }
}
