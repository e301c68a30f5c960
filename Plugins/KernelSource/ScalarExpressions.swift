import TesseraCore

/// The op table: each kernel-IR scalar operation as an expression of its operands, per
/// dtype, with the semantics of the reference backend (the specification):
///
/// - integers wrap (arithmetic is done in the unsigned type of the same width); `div` and
///   `rem` truncate, x/0 is all ones, x%0 is x, MIN / -1 is MIN and MIN % -1 is 0; shift
///   amounts are unsigned and amounts at or over the width give 0 (or the sign fill);
///   negative integer powers give 0 except for bases ±1;
/// - floats are IEEE; `rem` is fmod; `max`/`min` propagate NaN; `round` is half-to-even;
///   float16 values compute in float and round to half after every operation;
/// - bool: `add`/`max`/`or` are or, `mul`/`min`/`and` are and;
/// - float -> integer conversions truncate, saturate and send NaN to 0; anything -> bool is `!= 0`.
public struct ScalarExpressions {
    let dialect: any KernelSourceDialect
    var helpers: SourceHelpers

    /// Creates an op table for a dialect.
    public init(dialect: any KernelSourceDialect, hasFloat64: Bool) {
        self.dialect = dialect
        helpers = SourceHelpers(dialect: dialect, hasFloat64: hasFloat64)
    }

    private func unsupported(_ op: String, _ dtype: DType) -> TesseraError {
        TesseraError(.unsupported, "\(dialect.name) renderer: \(op) does not support dtype \(dtype)")
    }

    /// Wraps float16 results so they round to half after each operation.
    private func finish(_ e: String, _ dtype: DType) -> String {
        dtype == .float16 ? dialect.roundToHalf(e) : e
    }

    /// `(T)((U)a op (U)b)`: wrapping integer arithmetic.
    private func wrapping(_ a: String, _ op: String, _ b: String, _ dtype: DType) -> String {
        let t = dialect.registerType(dtype), u = helpers.unsignedType(dtype)
        return dialect.cast("(\(u))(\(a)) \(op) (\(u))(\(b))", to: t)
    }

    // MARK: unary

    /// `op(x)` for a register of `dtype` (`is_finite` takes the float operand's dtype).
    public mutating func unary(_ op: UnaryOp, _ x: String, _ dtype: DType) throws -> String {
        let t = dialect.registerType(dtype)
        if dtype == .bool {
            guard op == .not else { throw unsupported(op.rawValue, dtype) }
            return "(!\(x))"
        }
        if dtype.isInteger {
            switch op {
            case .neg: return wrapping("0", "-", x, dtype)
            case .abs: return dtype.isUnsigned ? x : "(\(x) < 0 ? \(wrapping("0", "-", x, dtype)) : \(x))"
            case .sign: return dtype.isUnsigned ? "(\(x) > 0u ? 1u : 0u)" : "(\(x) > 0 ? (\(t))1 : (\(x) == 0 ? (\(t))0 : (\(t))-1))"
            case .not: return "(~\(x))"
            case .floor, .ceil, .round, .exp, .exp2, .log, .log1p, .expm1, .sin, .cos, .tan, .tanh,
                 .logistic, .sqrt, .rsqrt, .erf, .erfInv, .lgamma, .digamma, .isFinite:
                throw unsupported(op.rawValue, dtype)
            }
        }
        let d = dialect
        let m = { (f: String) in "\(d.math(f, dtype))(\(x))" }
        let e: String
        switch op {
        case .neg: e = "(-\(x))"
        case .abs: e = m("fabs")
        case .sign: e = "\(helpers.floatSign(dtype))(\(x))"
        case .floor: e = m("floor")
        case .ceil: e = m("ceil")
        case .round: e = m("rint")
        case .exp: e = m("exp")
        case .exp2: e = m("exp2")
        case .log: e = m("log")
        case .log1p: e = m("log1p")
        case .expm1: e = m("expm1")
        case .sin: e = m("sin")
        case .cos: e = m("cos")
        case .tan: e = m("tan")
        case .tanh: e = m("tanh")
        case .logistic: e = "((\(t))1 / ((\(t))1 + \(dialect.math("exp", dtype))(-\(x))))"
        case .sqrt: e = m("sqrt")
        case .rsqrt: e = "((\(t))1 / \(dialect.math("sqrt", dtype))(\(x)))"
        case .erf: e = m("erf")
        case .erfInv: e = "\(helpers.erfInv(dtype))(\(x))"
        case .lgamma: e = m("lgamma")
        case .digamma: e = "\(helpers.digamma(dtype))(\(x))"
        case .isFinite: return dialect.isFinite(x)
        case .not: throw unsupported(op.rawValue, dtype)
        }
        return finish(e, dtype)
    }

    // MARK: binary

    /// `op(a, b)` for registers of `dtype`; throws `.unsupported` for an op the dtype lacks.
    public mutating func binary(_ op: BinaryOp, _ a: String, _ b: String, _ dtype: DType) throws -> String {
        if dtype == .bool {
            switch op {
            case .add, .max, .or: return "(\(a) || \(b))"
            case .mul, .min, .and: return "(\(a) && \(b))"
            case .xor: return "(\(a) != \(b))"
            case .sub, .div, .rem, .pow, .atan2, .shiftLeft, .shiftRightLogical, .shiftRightArithmetic:
                throw unsupported(op.rawValue, dtype)
            }
        }
        if dtype.isInteger {
            switch op {
            case .add: return wrapping(a, "+", b, dtype)
            case .sub: return wrapping(a, "-", b, dtype)
            case .mul: return wrapping(a, "*", b, dtype)
            case .div: return "\(helpers.div(dtype))(\(a), \(b))"
            case .rem: return "\(helpers.rem(dtype))(\(a), \(b))"
            case .pow: return "\(helpers.pow(dtype))(\(a), \(b))"
            case .max: return "(\(a) > \(b) ? \(a) : \(b))"
            case .min: return "(\(a) < \(b) ? \(a) : \(b))"
            case .and: return "(\(a) & \(b))"
            case .or: return "(\(a) | \(b))"
            case .xor: return "(\(a) ^ \(b))"
            case .shiftLeft: return "\(helpers.shiftLeft(dtype))(\(a), \(b))"
            case .shiftRightLogical: return "\(helpers.shiftRightLogical(dtype))(\(a), \(b))"
            case .shiftRightArithmetic: return "\(helpers.shiftRightArithmetic(dtype))(\(a), \(b))"
            case .atan2: throw unsupported(op.rawValue, dtype)
            }
        }
        let e: String
        switch op {
        case .add: e = "(\(a) + \(b))"
        case .sub: e = "(\(a) - \(b))"
        case .mul: e = "(\(a) * \(b))"
        case .div: e = "(\(a) / \(b))"
        case .rem: e = "\(dialect.math("fmod", dtype))(\(a), \(b))"
        case .pow:
            if dtype != .float64 && helpers.hasFloat64 {
                e = dialect.cast("pow((double)(\(a)), (double)(\(b)))", to: dialect.registerType(dtype))
            } else {
                e = "\(dialect.math("pow", dtype))(\(a), \(b))"
            }
        case .max: e = "\(helpers.floatMax(dtype))(\(a), \(b))"
        case .min: e = "\(helpers.floatMin(dtype))(\(a), \(b))"
        case .atan2: e = "\(dialect.math("atan2", dtype))(\(a), \(b))"
        case .and, .or, .xor, .shiftLeft, .shiftRightLogical, .shiftRightArithmetic:
            throw unsupported(op.rawValue, dtype)
        }
        return finish(e, dtype)
    }

    // MARK: compare, select, convert

    /// Comparisons of two registers of `dtype` (NaN compares false except `ne`).
    public func compare(_ op: CompareOp, _ a: String, _ b: String) -> String {
        switch op {
        case .eq: return "(\(a) == \(b))"
        case .ne: return "(\(a) != \(b))"
        case .lt: return "(\(a) < \(b))"
        case .le: return "(\(a) <= \(b))"
        case .gt: return "(\(a) > \(b))"
        case .ge: return "(\(a) >= \(b))"
        }
    }

    /// `which ? onTrue : onFalse`.
    public func select(_ which: String, onFalse: String, onTrue: String) -> String {
        "(\(which) ? \(onTrue) : \(onFalse))"
    }

    /// `convert_element_type` from `source` to `destination`.
    public mutating func convert(_ x: String, from source: DType, to destination: DType) -> String {
        let t = dialect.registerType(destination)
        if source == destination { return x }
        if destination == .bool { return "(\(x) != 0)" }
        if source == .bool { return dialect.cast("\(x) ? 1 : 0", to: t) }
        if source.isFloatingPoint && destination.isInteger {
            return "\(helpers.saturatingConvert(from: source, to: destination))(\(x))"
        }
        return finish(dialect.cast(x, to: t), destination)
    }

    /// `bitcast_convert_type` (same byte size).
    public func bitcast(_ x: String, from source: DType, to destination: DType) throws -> String {
        guard source.byteSize == destination.byteSize else {
            throw TesseraError(.unsupported, "\(dialect.name) renderer: bitcast from \(source) to \(destination) changes the element size")
        }
        if source == destination { return x }
        if source == .float16 || destination == .float16 || source == .bool || destination == .bool {
            throw TesseraError(.unsupported, "\(dialect.name) renderer: bitcast from \(source) to \(destination) is not supported")
        }
        return dialect.bitcast(x, from: source, to: destination)
    }
}

extension ScalarExpressions {
    /// The helper functions the expressions made so far call (emit before the kernels).
    public var helperSource: String { helpers.source }
}
