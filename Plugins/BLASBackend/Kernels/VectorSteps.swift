import TesseraCore

/// One instruction of a block program: fills its value for the current block.
/// Arguments: the per-value pointer table (see `BlockProgram`) and the block's point count.
typealias BlockStep = (UnsafeMutablePointer<UnsafeMutableRawPointer>, Int) -> Void

/// An operand of a specialised step: a full block of values, or one value the same at
/// every point (a literal or a broadcast scalar), read as a scalar.
enum StepOperand {
    case vector(KernelValue)
    case uniform(KernelValue)
}

/// A float operation as a type, so that the loops below are specialised and vectorised
/// for each operation (no closure call per element).
protocol FloatBinaryFunction {
    static func apply<T: BinaryFloatingPoint>(_ a: T, _ b: T) -> T
}
enum AddFunction: FloatBinaryFunction { @inline(__always) static func apply<T: BinaryFloatingPoint>(_ a: T, _ b: T) -> T { a + b } }
enum SubFunction: FloatBinaryFunction { @inline(__always) static func apply<T: BinaryFloatingPoint>(_ a: T, _ b: T) -> T { a - b } }
enum MulFunction: FloatBinaryFunction { @inline(__always) static func apply<T: BinaryFloatingPoint>(_ a: T, _ b: T) -> T { a * b } }
enum DivFunction: FloatBinaryFunction { @inline(__always) static func apply<T: BinaryFloatingPoint>(_ a: T, _ b: T) -> T { a / b } }
/// NaN-propagating maximum with +0 > -0 (the reference semantics).
enum MaxFunction: FloatBinaryFunction {
    @inline(__always) static func apply<T: BinaryFloatingPoint>(_ a: T, _ b: T) -> T {
        a.isNaN || b.isNaN ? T.nan : (a > b ? a : (b > a ? b : (a == 0 && a.sign == .plus ? a : b)))
    }
}
/// NaN-propagating minimum with -0 < +0 (the reference semantics).
enum MinFunction: FloatBinaryFunction {
    @inline(__always) static func apply<T: BinaryFloatingPoint>(_ a: T, _ b: T) -> T {
        a.isNaN || b.isNaN ? T.nan : (a < b ? a : (b < a ? b : (a == 0 && a.sign == .minus ? a : b)))
    }
}

/// Specialised, vectorisable loops for float32 and float64 instructions.
enum VectorSteps {
    /// The step computing `op(x, y)` into value `n`, or nil when `op` has no fast loop.
    static func binary<T: BinaryFloatingPoint>(_ op: BinaryOp, _: T.Type, _ x: StepOperand, _ y: StepOperand, _ n: KernelValue) -> BlockStep? {
        switch op {
        case .add: return binary(T.self, AddFunction.self, x, y, n)
        case .sub: return binary(T.self, SubFunction.self, x, y, n)
        case .mul: return binary(T.self, MulFunction.self, x, y, n)
        case .div: return binary(T.self, DivFunction.self, x, y, n)
        case .max: return binary(T.self, MaxFunction.self, x, y, n)
        case .min: return binary(T.self, MinFunction.self, x, y, n)
        case .rem, .pow, .atan2, .and, .or, .xor, .shiftLeft, .shiftRightLogical, .shiftRightArithmetic: return nil
        }
    }

    static func binary<T: BinaryFloatingPoint, F: FloatBinaryFunction>(_: T.Type, _: F.Type, _ x: StepOperand, _ y: StepOperand,
                                                                       _ n: KernelValue) -> BlockStep {
        switch (x, y) {
        case (.vector(let a), .vector(let b)), (.uniform(let a), .uniform(let b)):
            return { v, count in
                let pa = UnsafePointer(v[a].assumingMemoryBound(to: T.self)), pb = UnsafePointer(v[b].assumingMemoryBound(to: T.self))
                let po = v[n].assumingMemoryBound(to: T.self)
                for i in 0..<count { po[i] = F.apply(pa[i], pb[i]) }
            }
        case (.vector(let a), .uniform(let b)):
            return { v, count in
                let pa = UnsafePointer(v[a].assumingMemoryBound(to: T.self)), s = v[b].assumingMemoryBound(to: T.self).pointee
                let po = v[n].assumingMemoryBound(to: T.self)
                for i in 0..<count { po[i] = F.apply(pa[i], s) }
            }
        case (.uniform(let a), .vector(let b)):
            return { v, count in
                let s = v[a].assumingMemoryBound(to: T.self).pointee, pb = UnsafePointer(v[b].assumingMemoryBound(to: T.self))
                let po = v[n].assumingMemoryBound(to: T.self)
                for i in 0..<count { po[i] = F.apply(s, pb[i]) }
            }
        }
    }

    /// The step computing `op(x)` into value `n`, or nil when `op` has no fast loop.
    static func unary<T: BinaryFloatingPoint>(_ op: UnaryOp, _: T.Type, _ x: KernelValue, _ n: KernelValue) -> BlockStep? {
        switch op {
        case .neg:
            return { v, count in
                let pa = UnsafePointer(v[x].assumingMemoryBound(to: T.self)), po = v[n].assumingMemoryBound(to: T.self)
                for i in 0..<count { po[i] = -pa[i] }
            }
        case .abs:
            return { v, count in
                let pa = UnsafePointer(v[x].assumingMemoryBound(to: T.self)), po = v[n].assumingMemoryBound(to: T.self)
                for i in 0..<count { po[i] = Swift.abs(pa[i]) }
            }
        case .sqrt:
            return { v, count in
                let pa = UnsafePointer(v[x].assumingMemoryBound(to: T.self)), po = v[n].assumingMemoryBound(to: T.self)
                for i in 0..<count { po[i] = pa[i].squareRoot() }
            }
        case .sign, .floor, .ceil, .round, .exp, .exp2, .log, .log1p, .expm1, .sin, .cos, .tan, .tanh, .logistic,
             .rsqrt, .erf, .erfInv, .lgamma, .digamma, .not, .isFinite:
            return nil
        }
    }

    /// `select`: `n = which ? onTrue : onFalse` for element type `T` (bool predicate as bytes).
    static func select<T>(_: T.Type, _ which: KernelValue, _ onFalse: KernelValue, _ onTrue: KernelValue, _ n: KernelValue) -> BlockStep {
        { v, count in
            let w = UnsafePointer(v[which].assumingMemoryBound(to: UInt8.self))
            let f = UnsafePointer(v[onFalse].assumingMemoryBound(to: T.self)), t = UnsafePointer(v[onTrue].assumingMemoryBound(to: T.self))
            let po = v[n].assumingMemoryBound(to: T.self)
            for i in 0..<count { po[i] = w[i] != 0 ? t[i] : f[i] }
        }
    }

    /// `compare` of two float blocks into a bool (byte) block.
    static func compare<T: BinaryFloatingPoint>(_ op: CompareOp, _: T.Type, _ x: KernelValue, _ y: KernelValue, _ n: KernelValue) -> BlockStep {
        { v, count in
            let a = UnsafePointer(v[x].assumingMemoryBound(to: T.self)), b = UnsafePointer(v[y].assumingMemoryBound(to: T.self))
            let po = v[n].assumingMemoryBound(to: UInt8.self)
            switch op {
            case .eq: for i in 0..<count { po[i] = a[i] == b[i] ? 1 : 0 }
            case .ne: for i in 0..<count { po[i] = a[i] != b[i] ? 1 : 0 }
            case .lt: for i in 0..<count { po[i] = a[i] < b[i] ? 1 : 0 }
            case .le: for i in 0..<count { po[i] = a[i] <= b[i] ? 1 : 0 }
            case .gt: for i in 0..<count { po[i] = a[i] > b[i] ? 1 : 0 }
            case .ge: for i in 0..<count { po[i] = a[i] >= b[i] ? 1 : 0 }
            }
        }
    }
}
