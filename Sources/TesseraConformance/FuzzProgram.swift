import Foundation
import Tessera

/// A seeded 64-bit generator (SplitMix64): the same seed gives the same programs everywhere.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    /// Starts at `seed`.
    public init(seed: UInt64) { state = seed }
    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Elementwise functions a fuzz program applies: continuous and well conditioned (sin and cos
/// of tanh, so that large arguments do not turn rounding differences into large errors).
public enum FuzzUnary: String, CaseIterable, Sendable {
    case neg, abs, tanh, sin, cos, logistic, expTanh, sqrtAbs, log1pAbs, square

    /// Whether the function applies to integer values.
    var acceptsIntegers: Bool { self == .neg || self == .abs || self == .square }

    func apply(_ x: Tensor) -> Tensor {
        switch self {
        case .neg: return Lax.unary(.neg, x)
        case .abs: return Lax.unary(.abs, x)
        case .tanh: return Lax.unary(.tanh, x)
        case .sin: return Lax.unary(.sin, Lax.unary(.tanh, x))
        case .cos: return Lax.unary(.cos, Lax.unary(.tanh, x))
        case .logistic: return Lax.unary(.logistic, x)
        case .expTanh: return Lax.unary(.exp, Lax.unary(.tanh, x))
        case .sqrtAbs: return Lax.unary(.sqrt, Lax.unary(.abs, x))
        case .log1pAbs: return Lax.unary(.log1p, Lax.unary(.abs, x))
        case .square: return Lax.binary(.mul, x, x)
        }
    }
}

/// One step of a fuzz program; operands are indices of earlier values (inputs first).
public enum FuzzStep: Sendable, CustomStringConvertible {
    /// An elementwise function.
    case unary(FuzzUnary, Int)
    /// add/sub/mul/max/min with NumPy broadcasting (through broadcast_in_dim).
    case binary(BinaryOp, Int, Int)
    /// `select(a > b, a, b)` with broadcasting.
    case selectGreater(Int, Int)
    /// A reduction over one axis.
    case reduce(ReduceOp, Int, axis: Int)
    /// A matrix product of two rank-2 values.
    case matmul(Int, Int)
    /// A strided slice.
    case slice(Int, start: [Int], limit: [Int], strides: [Int])
    /// A rank-2 transpose.
    case transpose(Int)
    /// A flattening reshape.
    case flatten(Int)
    /// int32 to float32.
    case toFloat(Int)
    /// `cond(p, x * 2, x - 1)` with p = `sum(x) > 0` for integers (exact) and `max(x) > 0.25`
    /// for floats (a float sum can cancel to a rounding-dependent sign).
    case cond(Int)
    /// A scan over the leading axis: carry + row, emitting carry * row.
    case scan(Int)
    /// An inclusive cumulative sum/max/min along an axis (`FuzzExtension`).
    case cumulative(CumulativeOp, Int, axis: Int, reverse: Bool)
    /// A stable sort along an axis.
    case sort(Int, axis: Int)
    /// Rows of the leading axis picked by constant indices (some out of bounds), with gather's `mode`.
    case take(Int, indices: [Int32], mode: GatherMode)
    /// `x.at[indices].add(x[clip(indices)])`: a scatter-add of the value's own rows (duplicates and
    /// out-of-bounds indices included).
    case scatterAdd(Int, indices: [Int32])
    /// A while loop of `trips` iterations on (counter, x): x -> tanh(x) * 0.9 + 0.1 (floats) or x + 3.
    case whileLoop(Int, trips: Int)
    /// A one-dimensional convolution of a rank-2 float value [C, W] (as NCW with N = 1) with a
    /// constant kernel [O, C, K], stride and padding; the result is reshaped to [O, W'].
    case conv1d(Int, kernel: [Float], outChannels: Int, width: Int, stride: Int, padding: ConvPadding)
    /// float32 to float64.
    case toFloat64(Int)

    /// The step in a readable form, e.g. `add(v1, v3)`.
    public var description: String {
        switch self {
        case .unary(let f, let a): return "\(f.rawValue)(v\(a))"
        case .binary(let op, let a, let b): return "\(op.rawValue)(v\(a), v\(b))"
        case .selectGreater(let a, let b): return "select(v\(a) > v\(b), v\(a), v\(b))"
        case .reduce(let op, let a, let axis): return "reduce_\(op.rawValue)(v\(a), axis: \(axis))"
        case .matmul(let a, let b): return "matmul(v\(a), v\(b))"
        case .slice(let a, let s, let l, let st): return "slice(v\(a), \(s), \(l), \(st))"
        case .transpose(let a): return "transpose(v\(a))"
        case .flatten(let a): return "flatten(v\(a))"
        case .toFloat(let a): return "float32(v\(a))"
        case .cond(let a): return "cond(v\(a) predicate, v*2, v-1)"
        case .scan(let a): return "scan(v\(a))"
        case .cumulative(let op, let a, let axis, let reverse): return "\(op.rawValue)(v\(a), axis: \(axis), reverse: \(reverse))"
        case .sort(let a, let axis): return "sort(v\(a), axis: \(axis))"
        case .take(let a, let idx, let mode): return "take(v\(a), rows \(idx), mode: \(mode.rawValue))"
        case .scatterAdd(let a, let idx): return "scatter_add(v\(a), rows \(idx))"
        case .whileLoop(let a, let trips): return "while(v\(a), \(trips) trips)"
        case .conv1d(let a, let k, let o, let w, let st, let p):
            return "conv1d(v\(a), kernel [\(o), C, \(w)] \(k), stride \(st), padding (\(p.low), \(p.high)))"
        case .toFloat64(let a): return "float64(v\(a))"
        }
    }
}

/// A random well-typed program: its inputs, steps and the values it returns.
public struct FuzzProgram: Sendable, CustomStringConvertible {
    /// The seed that generated it (`FuzzProgram(seed:)` rebuilds it).
    public let seed: UInt64
    /// The input values.
    public let inputs: [HostTensor]
    /// The steps, each producing one new value.
    public let steps: [FuzzStep]
    /// Indices of the returned values.
    public let outputs: [Int]

    /// The program as numbered steps (the seed first).
    public var description: String {
        var lines = ["fuzz program (seed \(seed)):"]
        for (i, t) in inputs.enumerated() { lines.append("  v\(i): input \(t.type)") }
        for (i, s) in steps.enumerated() { lines.append("  v\(inputs.count + i) = \(s)") }
        lines.append("  return " + outputs.map { "v\($0)" }.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }

    /// Runs the program on tensors (eagerly, or traced when called under `jit`/`makeJaxpr`).
    public func evaluate(_ xs: [Tensor]) -> [Tensor] {
        var v = xs
        for step in steps { v.append(FuzzProgram.apply(step, v)) }
        return outputs.map { v[$0] }
    }

    /// The NumPy broadcast of two shapes, or nil.
    static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let n = Swift.max(a.count, b.count)
        let pa = Array(repeating: 1, count: n - a.count) + a, pb = Array(repeating: 1, count: n - b.count) + b
        var out: [Int] = []
        for (x, y) in zip(pa, pb) {
            if x == y || y == 1 { out.append(x) } else if x == 1 { out.append(y) } else { return nil }
        }
        return out
    }

    static func broadcast(_ x: Tensor, to shape: [Int]) -> Tensor {
        if x.shape == shape { return x }
        let dims = Array((shape.count - x.rank)..<shape.count)
        var mid = x
        // broadcast_in_dim needs operand dims of size 1 or equal; reshape keeps them so.
        if x.rank == 0 { mid = Lax.reshape(x, []) }
        return Lax.broadcastInDim(mid, shape: shape, dims: dims)
    }

    static func apply(_ step: FuzzStep, _ v: [Tensor]) -> Tensor {
        switch step {
        case .unary(let f, let a): return f.apply(v[a])
        case .binary(let op, let a, let b):
            let shape = broadcastShape(v[a].shape, v[b].shape)!
            return Lax.binary(op, broadcast(v[a], to: shape), broadcast(v[b], to: shape))
        case .selectGreater(let a, let b):
            let shape = broadcastShape(v[a].shape, v[b].shape)!
            let x = broadcast(v[a], to: shape), y = broadcast(v[b], to: shape)
            return Lax.select(Lax.compare(.gt, x, y), onTrue: x, onFalse: y)
        case .reduce(let op, let a, let axis): return Lax.reduce(op, v[a], axes: [axis])
        case .matmul(let a, let b):
            return Lax.dotGeneral(v[a], v[b], DotDimensionNumbers(lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: []))
        case .slice(let a, let s, let l, let st): return Lax.slice(v[a], start: s, limit: l, strides: st)
        case .transpose(let a): return Lax.transpose(v[a], [1, 0])
        case .flatten(let a): return Lax.reshape(v[a], [v[a].type.count])
        case .toFloat(let a): return Lax.convert(v[a], to: .float32)
        case .cond(let a):
            let x = v[a]
            let isFloat = x.dtype.isFloatingPoint
            let total = Lax.reduce(isFloat ? .max : .sum, x, axes: Array(0..<x.rank))
            let pred = Lax.compare(.gt, total, Lax.scalar(isFloat ? 0.25 : 0, x.dtype))
            return cond(pred, { (t: Tensor) in Lax.binary(.mul, t, Lax.full(2, shape: t.shape, dtype: t.dtype)) },
                                { (t: Tensor) in Lax.binary(.sub, t, Lax.full(1, shape: t.shape, dtype: t.dtype)) }, x)
        case .scan(let a):
            let x = v[a]
            let rowShape = Array(x.shape.dropFirst())
            let initial = Lax.full(0, shape: rowShape, dtype: x.dtype)
            let (_, ys) = scan({ (c: Tensor, row: Tensor) -> (Tensor, Tensor) in
                let next = Lax.binary(.add, c, row)
                return (next, Lax.binary(.mul, next, row))
            }, initial: initial, xs: x)
            return ys
        case .cumulative, .sort, .take, .scatterAdd, .whileLoop, .conv1d, .toFloat64:
            return FuzzExtension.apply(step, v)
        }
    }
}
