/// Elementwise operations of one operand. Each has a printed (jaxpr) name equal to JAX's.
public enum UnaryOp: String, Sendable, Hashable, CaseIterable {
    case neg, abs, sign, floor, ceil, round
    case exp, exp2, log, log1p, expm1
    case sin, cos, tan, tanh, logistic
    case sqrt, rsqrt, erf
    case erfInv = "erf_inv"
    case lgamma, digamma
    /// Logical not for bool, bitwise not for integers.
    case not
    case isFinite = "is_finite"

    /// Whether the op is defined on floating-point inputs only.
    public var requiresFloat: Bool {
        switch self {
        case .floor, .ceil, .round, .exp, .exp2, .log, .log1p, .expm1, .sin, .cos, .tan,
             .tanh, .logistic, .sqrt, .rsqrt, .erf, .erfInv, .lgamma, .digamma, .isFinite:
            return true
        case .neg, .abs, .sign, .not:
            return false
        }
    }
}

/// Elementwise arithmetic and bitwise operations of two operands of the same dtype.
public enum BinaryOp: String, Sendable, Hashable, CaseIterable {
    case add, sub, mul, div, rem, pow
    case max, min, atan2
    /// Logical for bool, bitwise for integers.
    case and, or, xor
    case shiftLeft = "shift_left"
    case shiftRightLogical = "shift_right_logical"
    case shiftRightArithmetic = "shift_right_arithmetic"

    /// Whether `op(a, b) == op(b, a)`; the jaxpr printer and tracer put a scalar literal
    /// of a commutative op on the right, as JAX's operator overloading does.
    public var isCommutative: Bool {
        switch self {
        case .add, .mul, .max, .min, .and, .or, .xor: return true
        case .sub, .div, .rem, .pow, .atan2, .shiftLeft, .shiftRightLogical, .shiftRightArithmetic:
            return false
        }
    }
}

/// Elementwise comparisons; the result is bool.
public enum CompareOp: String, Sendable, Hashable, CaseIterable {
    case eq, ne, lt, le, gt, ge
}

/// Reductions over a set of axes.
public enum ReduceOp: String, Sendable, Hashable, CaseIterable {
    case sum, prod, max, min, and, or
    /// The printed primitive name: `reduce_sum`, ...
    public var primitiveName: String { "reduce_" + rawValue }
}

/// Index-of-extremum reductions along one axis.
public enum ArgReduceOp: String, Sendable, Hashable, CaseIterable {
    case argmax, argmin
}

/// Inclusive scans along one axis.
public enum CumulativeOp: String, Sendable, Hashable, CaseIterable {
    case cumsum, cumprod, cummax, cummin
}

/// How `scatter` combines an update with the value already in the operand.
public enum ScatterMode: String, Sendable, Hashable, CaseIterable {
    /// Overwrite (`x.at[i].set(v)`); with duplicate indices, one of the updates wins.
    case set
    case add
    /// Multiply (`x.at[i].multiply(v)`).
    case mul
    case min
    case max

    /// The printed primitive name: `scatter`, `scatter-add`, ... as in JAX.
    public var primitiveName: String { self == .set ? "scatter" : "scatter-" + rawValue }
}

/// What `gather` does with out-of-bounds start indices.
public enum GatherMode: String, Sendable, Hashable {
    /// Clamp start indices so that the whole slice is in bounds (JAX's default for gather).
    case clip
    /// Out-of-bounds slices produce the fill value (NaN for floats, the minimum/max for ints).
    case fill
}
