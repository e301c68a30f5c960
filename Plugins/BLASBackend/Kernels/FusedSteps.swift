import TesseraCore

/// A binary float instruction with one uniform operand (`x * 3`, `x + 1`, `2 - x`),
/// applied on the fly inside its only consumer instead of in a pass of its own.
struct ScalarTransform {
    /// The kind of transform, with the uniform (scalar) operand on the right (`v op s`)
    /// or, for `sub`, `s - v`.
    enum Kind { case mul, add, sub, reverseSub }
    var kind: Kind
    /// The vector operand and the uniform operand.
    var vector: KernelValue, scalar: KernelValue

    /// The transform that instruction `inst` is, if it is one (float32/float64 add, sub,
    /// mul with exactly one uniform operand).
    static func of(_ inst: KernelInstruction, uniform: [Bool]) -> ScalarTransform? {
        guard inst.dtype == .float32 || inst.dtype == .float64, case .binary(let op, let a, let b) = inst.op,
              uniform[a] != uniform[b] else { return nil }
        let (v, s, scalarOnLeft) = uniform[a] ? (b, a, true) : (a, b, false)
        switch op {
        case .mul: return ScalarTransform(kind: .mul, vector: v, scalar: s)
        case .add: return ScalarTransform(kind: .add, vector: v, scalar: s)
        case .sub: return ScalarTransform(kind: scalarOnLeft ? .reverseSub : .sub, vector: v, scalar: s)
        case .div, .rem, .pow, .max, .min, .atan2, .and, .or, .xor, .shiftLeft, .shiftRightLogical, .shiftRightArithmetic:
            return nil
        }
    }
}

protocol ScalarFunction { static func apply<T: BinaryFloatingPoint>(_ v: T, _ s: T) -> T }
enum MulScalar: ScalarFunction { @inline(__always) static func apply<T: BinaryFloatingPoint>(_ v: T, _ s: T) -> T { v * s } }
enum AddScalar: ScalarFunction { @inline(__always) static func apply<T: BinaryFloatingPoint>(_ v: T, _ s: T) -> T { v + s } }
enum SubScalar: ScalarFunction { @inline(__always) static func apply<T: BinaryFloatingPoint>(_ v: T, _ s: T) -> T { v - s } }
enum ReverseSubScalar: ScalarFunction { @inline(__always) static func apply<T: BinaryFloatingPoint>(_ v: T, _ s: T) -> T { s - v } }

/// Steps computing `op(t(a), b)` or `op(a, t(b))` for a scalar transform `t`: two
/// instructions in one pass over the block (same results: each operation rounds as before).
enum FusedSteps {
    /// The fused step, or nil when `op` has no fast loop.
    static func binary<T: BinaryFloatingPoint>(_ op: BinaryOp, _: T.Type, transform t: ScalarTransform, transformedIsLeft: Bool,
                                               other: KernelValue, _ n: KernelValue) -> BlockStep? {
        switch op {
        case .add: return withTransform(T.self, AddFunction.self, t, transformedIsLeft, other, n)
        case .sub: return withTransform(T.self, SubFunction.self, t, transformedIsLeft, other, n)
        case .mul: return withTransform(T.self, MulFunction.self, t, transformedIsLeft, other, n)
        case .div: return withTransform(T.self, DivFunction.self, t, transformedIsLeft, other, n)
        case .max: return withTransform(T.self, MaxFunction.self, t, transformedIsLeft, other, n)
        case .min: return withTransform(T.self, MinFunction.self, t, transformedIsLeft, other, n)
        case .rem, .pow, .atan2, .and, .or, .xor, .shiftLeft, .shiftRightLogical, .shiftRightArithmetic: return nil
        }
    }

    static func withTransform<T: BinaryFloatingPoint, F: FloatBinaryFunction>(
        _: T.Type, _: F.Type, _ t: ScalarTransform, _ left: Bool, _ other: KernelValue, _ n: KernelValue) -> BlockStep {
        switch t.kind {
        case .mul: return step(T.self, F.self, MulScalar.self, t, left, other, n)
        case .add: return step(T.self, F.self, AddScalar.self, t, left, other, n)
        case .sub: return step(T.self, F.self, SubScalar.self, t, left, other, n)
        case .reverseSub: return step(T.self, F.self, ReverseSubScalar.self, t, left, other, n)
        }
    }

    static func step<T: BinaryFloatingPoint, F: FloatBinaryFunction, P: ScalarFunction>(
        _: T.Type, _: F.Type, _: P.Type, _ t: ScalarTransform, _ left: Bool, _ other: KernelValue, _ n: KernelValue) -> BlockStep {
        let v = t.vector, s = t.scalar
        if left {
            return { table, count in
                let pv = UnsafePointer(table[v].assumingMemoryBound(to: T.self)), sc = table[s].assumingMemoryBound(to: T.self).pointee
                let pb = UnsafePointer(table[other].assumingMemoryBound(to: T.self)), po = table[n].assumingMemoryBound(to: T.self)
                for i in 0..<count { po[i] = F.apply(P.apply(pv[i], sc), pb[i]) }
            }
        }
        return { table, count in
            let pv = UnsafePointer(table[v].assumingMemoryBound(to: T.self)), sc = table[s].assumingMemoryBound(to: T.self).pointee
            let pa = UnsafePointer(table[other].assumingMemoryBound(to: T.self)), po = table[n].assumingMemoryBound(to: T.self)
            for i in 0..<count { po[i] = F.apply(pa[i], P.apply(pv[i], sc)) }
        }
    }
}
