import Testing
@testable import Tessera

/// `jit(f)(x) == f(x)` for every primitive over every dtype it accepts (fused kernels and
/// single-primitive steps against the eager path).
@Suite("Jit: every primitive matches eager")
struct JitPrimitiveTests {
    static let dtypes = DType.allCases

    @Test(arguments: DType.allCases) func unaryOps(_ dtype: DType) {
        for op in UnaryOp.allCases {
            if op.requiresFloat && !dtype.isFloatingPoint { continue }
            if op == .not && dtype.isFloatingPoint { continue }
            if (op == .neg || op == .abs || op == .sign) && dtype == .bool { continue }
            expectJitMatchesEager("\(op.rawValue) \(dtype)", [JitSamples.x(dtype)], maxKernels: 1) { [Lax.unary(op, $0[0])] }
        }
    }

    @Test(arguments: DType.allCases) func binaryOps(_ dtype: DType) {
        for op in BinaryOp.allCases {
            switch op {
            case .and, .or, .xor: if dtype.isFloatingPoint { continue }
            case .shiftLeft, .shiftRightLogical, .shiftRightArithmetic: if !dtype.isInteger { continue }
            case .atan2: if !dtype.isFloatingPoint { continue }
            case .sub, .div, .rem, .pow: if dtype == .bool { continue }
            case .add, .mul, .max, .min: break
            }
            expectJitMatchesEager("\(op.rawValue) \(dtype)", [JitSamples.x(dtype), JitSamples.y(dtype)], maxKernels: 1) {
                [Lax.binary(op, $0[0], $0[1])]
            }
        }
    }

    @Test(arguments: DType.allCases) func comparesSelectAndConversions(_ dtype: DType) {
        for op in CompareOp.allCases {
            expectJitMatchesEager("\(op.rawValue) \(dtype)", [JitSamples.x(dtype), JitSamples.y(dtype)], maxKernels: 1) {
                [Lax.compare(op, $0[0], $0[1])]
            }
        }
        expectJitMatchesEager("select_n \(dtype)", [JitSamples.x(.bool), JitSamples.x(dtype), JitSamples.y(dtype)], maxKernels: 1) {
            [Lax.select($0[0], onTrue: $0[1], onFalse: $0[2])]
        }
        for target in DType.allCases {
            expectJitMatchesEager("convert \(dtype)->\(target)", [JitSamples.x(dtype)], maxKernels: 1) {
                [Lax.convert($0[0], to: target)]
            }
            if target.byteSize == dtype.byteSize && target != .bool && dtype != .bool {
                expectJitMatchesEager("bitcast \(dtype)->\(target)", [JitSamples.x(dtype)], maxKernels: 1) {
                    [Lax.bitcast($0[0], to: target)]
                }
            }
        }
        expectJitMatchesEager("iota \(dtype)", [JitSamples.x(dtype)], maxKernels: 2) { _ in
            dtype == .bool ? [] : [Lax.iota(dtype, shape: [2, 3], dimension: 1), Lax.iota(dtype, shape: [4], dimension: 0)]
        }
        expectJitMatchesEager("stop_gradient \(dtype)", [JitSamples.x(dtype)]) { [Lax.stopGradient($0[0])] }
    }

    @Test(arguments: DType.allCases) func movementOps(_ dtype: DType) {
        let x = JitSamples.x(dtype)
        expectJitMatchesEager("broadcast_in_dim \(dtype)", [x], maxKernels: 2) {
            [Lax.broadcastInDim($0[0], shape: [4, 2, 3], dims: [1, 2]), Lax.broadcastInDim(Lax.reshape($0[0], [2, 1, 3]), shape: [2, 5, 3], dims: [0, 1, 2])]
        }
        expectJitMatchesEager("reshape \(dtype)", [x], maxKernels: 2) { [Lax.reshape($0[0], [3, 2]), Lax.reshape($0[0], [6])] }
        expectJitMatchesEager("transpose \(dtype)", [x], maxKernels: 1) { [Lax.transpose($0[0], [1, 0])] }
        expectJitMatchesEager("slice \(dtype)", [x]) {
            [Lax.slice($0[0], start: [0, 1], limit: [2, 3]), Lax.slice($0[0], start: [1, 0], limit: [2, 3], strides: [1, 2])]
        }
        expectJitMatchesEager("rev \(dtype)", [x], maxKernels: 1) { [Lax.rev($0[0], axes: [0, 1])] }
        expectJitMatchesEager("dynamic_slice \(dtype)", [x, Tensor(Int32(1))]) {
            [Lax.dynamicSlice($0[0], starts: [Tensor(Int32(0)), $0[1]], sizes: [2, 2])]
        }
        expectJitMatchesEager("dynamic_update_slice \(dtype)", [x, JitSamples.y(dtype)]) {
            [Lax.dynamicUpdateSlice($0[0], Lax.slice($0[1], start: [0, 0], limit: [1, 2]), starts: [Tensor(Int32(1)), Tensor(Int32(1))])]
        }
        expectJitMatchesEager("pad \(dtype)", [x, JitSamples.y(dtype)]) {
            [Lax.pad($0[0], Lax.reshape(Lax.slice($0[1], start: [0, 0], limit: [1, 1]), []), [PadConfig(low: 1, high: 0), PadConfig(low: 0, high: 1, interior: 1)])]
        }
        expectJitMatchesEager("concatenate \(dtype)", [x, JitSamples.y(dtype)]) { [Lax.concatenate([$0[0], $0[1]], axis: 1)] }
        let indices = Tensor([1, 0, 1] as [Int32], shape: [3, 1])
        expectJitMatchesEager("gather \(dtype)", [x, indices]) {
            [Lax.gather($0[0], $0[1], GatherDimensionNumbers(offsetDims: [1], collapsedSliceDims: [0], startIndexMap: [0]), sliceSizes: [1, 3])]
        }
        if dtype != .bool {
            expectJitMatchesEager("scatter-add \(dtype)", [x, Tensor([1, 0] as [Int32], shape: [2, 1]), JitSamples.y(dtype)]) {
                [Lax.scatter($0[0], $0[1], $0[2], ScatterDimensionNumbers(updateWindowDims: [1], insertedWindowDims: [0], scatterDimsToOperandDims: [0]), mode: .add)]
            }
        }
    }

    @Test(arguments: DType.allCases) func reductionsAndScans(_ dtype: DType) {
        let x = JitSamples.x(dtype)
        for op in ReduceOp.allCases {
            if (op == .and || op == .or) && dtype.isFloatingPoint { continue }
            for axes in [[0], [1], [0, 1]] {
                expectJitMatchesEager("\(op.primitiveName)\(axes) \(dtype)", [x], maxKernels: 1) { [Lax.reduce(op, $0[0], axes: axes)] }
            }
        }
        for op in ArgReduceOp.allCases {
            expectJitMatchesEager("\(op.rawValue) \(dtype)", [x]) { [Lax.argReduce(op, $0[0], axis: 1)] }
        }
        if dtype != .bool {
            for op in CumulativeOp.allCases {
                expectJitMatchesEager("\(op.rawValue) \(dtype)", [x]) { [Lax.cumulative(op, $0[0], axis: 1, reverse: true)] }
            }
            expectJitMatchesEager("dot_general \(dtype)", [x, JitSamples.y(dtype)]) {
                [Lax.dotGeneral($0[0], $0[1], DotDimensionNumbers(lhsContracting: [1], rhsContracting: [1]))]
            }
        }
        expectJitMatchesEager("sort \(dtype)", [x, JitSamples.y(dtype)]) { Lax.sort([$0[0], $0[1]], dimension: 1) }
    }

    @Test func threefry() {
        let k = Tensor([0, 42] as [UInt32])
        let x = Tensor([0, 1, 2, 3] as [UInt32], shape: [2, 2])
        expectJitMatchesEager("threefry2x32", [k, x]) { a in
            let k0 = Lax.broadcastInDim(Lax.reshape(Lax.slice(a[0], start: [0], limit: [1]), []), shape: [2], dims: [])
            let k1 = Lax.broadcastInDim(Lax.reshape(Lax.slice(a[0], start: [1], limit: [2]), []), shape: [2], dims: [])
            let (y0, y1) = Lax.threefry2x32(k0, k1, Lax.indexInDim(a[1], axis: 0, index: 0), Lax.indexInDim(a[1], axis: 0, index: 1))
            return [y0, y1]
        }
    }
}
