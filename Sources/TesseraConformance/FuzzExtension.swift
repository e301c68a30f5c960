import Foundation
import Tessera

/// The newer fuzz families: cumulative ops, sort, gather (take), scatter-add, while loops,
/// one-dimensional convolution and float64. A program gets 0-3 of these steps after the
/// steps of the first generator, chained on its last value, drawn from a second random
/// stream (`SplitMix64(seed: seed ^ streamKey)`), so that the first generator's program of
/// a seed is unchanged as the prefix of the new one (its seeds still name the same bug).
enum FuzzExtension {
    /// Mixed into the seed for the second stream.
    static let streamKey: UInt64 = 0x5EED_F00D_CAFE_0001

    /// Up to three steps chained from value `start`; `types` gains their result types.
    static func steps(seed: UInt64, from start: Int, types: inout [ShapedType]) -> [FuzzStep] {
        var rng = SplitMix64(seed: seed ^ streamKey)
        let wanted = Int.random(in: 0...3, using: &rng)
        var out: [FuzzStep] = []
        var current = start
        var attempts = 0
        while out.count < wanted && attempts < 20 {
            attempts += 1
            let t = types[current]
            let isFloat = t.dtype.isFloatingPoint
            var step: FuzzStep?
            switch Int.random(in: 0..<7, using: &rng) {
            case 0:
                if t.rank >= 1 {
                    let ops: [CumulativeOp] = [.cumsum, .cummax, .cummin]
                    step = .cumulative(ops[Int.random(in: 0..<ops.count, using: &rng)], current,
                                       axis: Int.random(in: 0..<t.rank, using: &rng), reverse: Bool.random(using: &rng))
                }
            case 1:
                if t.rank >= 1 { step = .sort(current, axis: Int.random(in: 0..<t.rank, using: &rng)) }
            case 2:
                if t.rank >= 1 && t.shape[0] >= 1 {
                    // Indices in [-2, rows + 2): a few out of bounds on each side.
                    let rows = t.shape[0]
                    let idx = (0..<Int.random(in: 1...5, using: &rng)).map { _ in Int32(Int.random(in: -2..<(rows + 2), using: &rng)) }
                    step = .take(current, indices: idx, mode: Bool.random(using: &rng) ? .clip : .fill)
                }
            case 3:
                if t.rank >= 1 && t.shape[0] >= 1 {
                    let rows = t.shape[0]
                    let idx = (0..<Int.random(in: 1...5, using: &rng)).map { _ in Int32(Int.random(in: -1..<(rows + 1), using: &rng)) }
                    step = .scatterAdd(current, indices: idx)
                }
            case 4:
                step = .whileLoop(current, trips: Int.random(in: 0...4, using: &rng))
            case 5:
                if t.rank == 2 && isFloat {
                    let c = t.shape[0], k = Int.random(in: 1...3, using: &rng), o = Int.random(in: 1...3, using: &rng)
                    let kernel = (0..<(o * c * k)).map { _ in Float(Int.random(in: -1000...1000, using: &rng)) / 1000 }
                    step = .conv1d(current, kernel: kernel, outChannels: o, width: k, stride: Int.random(in: 1...2, using: &rng),
                                   padding: ConvPadding(Int.random(in: 0...1, using: &rng), Int.random(in: 0...1, using: &rng)))
                }
            default:
                if t.dtype == .float32 { step = .toFloat64(current) }
            }
            guard let step else { continue }
            out.append(step)
            types.append(resultType(step, types))
            current = types.count - 1
        }
        return out
    }

    /// The gather dimension numbers that pick rows of the leading axis.
    static func rowGather(rank: Int) -> GatherDimensionNumbers {
        GatherDimensionNumbers(offsetDims: Array(1..<rank), collapsedSliceDims: [0], startIndexMap: [0],
                               operandBatchingDims: [], startIndicesBatchingDims: [])
    }

    /// The scatter dimension numbers that update rows of the leading axis.
    static func rowScatter(rank: Int) -> ScatterDimensionNumbers {
        ScatterDimensionNumbers(updateWindowDims: Array(1..<rank), insertedWindowDims: [0], scatterDimsToOperandDims: [0],
                                operandBatchingDims: [], scatterIndicesBatchingDims: [])
    }

    /// Row indices as an int32 [k, 1] constant (uncommitted, so it follows the operand's device).
    static func indexTensor(_ idx: [Int32]) -> Tensor { Tensor(idx, shape: [idx.count, 1]) }

    /// Applies one of this family's steps.
    static func apply(_ step: FuzzStep, _ v: [Tensor]) -> Tensor {
        switch step {
        case .cumulative(let op, let a, let axis, let reverse): return Lax.cumulative(op, v[a], axis: axis, reverse: reverse)
        case .sort(let a, let axis): return Lax.sort([v[a]], dimension: axis)[0]
        case .take(let a, let idx, let mode):
            let x = v[a]
            return Lax.gather(x, indexTensor(idx), rowGather(rank: x.rank), sliceSizes: [1] + x.shape.dropFirst(), mode: mode)
        case .scatterAdd(let a, let idx):
            let x = v[a]
            let rows = Lax.gather(x, indexTensor(idx), rowGather(rank: x.rank), sliceSizes: [1] + x.shape.dropFirst(), mode: .clip)
            return Lax.scatter(x, indexTensor(idx), rows, rowScatter(rank: x.rank), mode: .add)
        case .whileLoop(let a, let trips):
            let x = v[a]
            let isFloat = x.dtype.isFloatingPoint
            let result = whileLoop(cond: { (c: [Tensor]) in Lax.compare(.lt, c[0], Lax.scalar(Double(trips), .int32)) },
                                   body: { (c: [Tensor]) -> [Tensor] in
                                       let next = Lax.binary(.add, c[0], Lax.scalar(1, .int32))
                                       let y = c[1]
                                       if isFloat {
                                           let t = Lax.binary(.mul, Lax.unary(.tanh, y), Lax.full(0.9, shape: y.shape, dtype: y.dtype))
                                           return [next, Lax.binary(.add, t, Lax.full(0.1, shape: y.shape, dtype: y.dtype))]
                                       }
                                       return [next, Lax.binary(.add, y, Lax.full(3, shape: y.shape, dtype: y.dtype))]
                                   }, initial: [Lax.scalar(0, .int32), x])
            return result[1]
        case .conv1d(let a, let kernel, let o, let k, let stride, let padding):
            let x = v[a]
            let c = x.shape[0], w = x.shape[1]
            let rhs = Lax.convert(Tensor(kernel, shape: [o, c, k]), to: x.dtype)
            let params = ConvParams(windowStrides: [stride], padding: [padding], lhsDilation: [1], rhsDilation: [1],
                                    dimensionNumbers: .channelsFirst(spatialRank: 1))
            let y = Lax.convGeneralDilated(Lax.reshape(x, [1, c, w]), rhs, params)
            return Lax.reshape(y, Array(y.shape.dropFirst()))
        case .toFloat64(let a): return Lax.convert(v[a], to: .float64)
        case .unary, .binary, .selectGreater, .reduce, .matmul, .slice, .transpose, .flatten, .toFloat, .cond, .scan:
            preconditionFailure("FuzzExtension.apply: \(step) is a first-generator step")
        }
    }

    /// The type one of this family's steps produces.
    static func resultType(_ step: FuzzStep, _ types: [ShapedType]) -> ShapedType {
        switch step {
        case .cumulative(_, let a, _, _), .sort(let a, _), .scatterAdd(let a, _), .whileLoop(let a, _): return types[a]
        case .take(let a, let idx, _): return ShapedType([idx.count] + types[a].shape.dropFirst(), types[a].dtype)
        case .conv1d(let a, _, let o, let k, let stride, let p):
            let input = types[a].shape[1] + p.low + p.high
            return ShapedType([o, input < k ? 0 : (input - k) / stride + 1], types[a].dtype)
        case .toFloat64(let a): return ShapedType(types[a].shape, .float64)
        case .unary, .binary, .selectGreater, .reduce, .matmul, .slice, .transpose, .flatten, .toFloat, .cond, .scan:
            preconditionFailure("FuzzExtension.resultType: \(step) is a first-generator step")
        }
    }
}
