/// Arithmetic operators with NumPy broadcasting and JAX type promotion.
///
/// There is exactly one overload per operator, `(Tensor, Tensor) -> Tensor`; Swift literals
/// become weakly typed scalar tensors through `ExpressibleByIntegerLiteral` /
/// `ExpressibleByFloatLiteral`, so `-4 * x * x * x + 9 * x * x + 6 * x - 3` type-checks
/// quickly and `x_f16 + 2.5` stays float16.
///
/// Integer `/` and `%` truncate toward zero (as Swift, `lax.div` and `lax.rem`); use
/// `floorDivide` for floor division. Float `%` is C's `fmod`: the result has the sign of the
/// dividend (`-7.5 % 2 == -1.5`), unlike NumPy's `%`.
extension Tensor {
    /// Elementwise sum. `x + 1` adds a weakly typed literal.
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { Elementwise.binary("add", .add, lhs, rhs) }
    /// Elementwise difference.
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { Elementwise.binary("subtract", .sub, lhs, rhs) }
    /// Elementwise product.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { Elementwise.binary("multiply", .mul, lhs, rhs) }
    /// Elementwise quotient; integers truncate toward zero (`-7 / 2 == -3`).
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor { Elementwise.binary("divide", .div, lhs, rhs) }
    /// Elementwise remainder with the sign of the dividend (`-7 % 2 == -1`, `-7.5 % 2 == -1.5`).
    public static func % (lhs: Tensor, rhs: Tensor) -> Tensor { Elementwise.binary("remainder", .rem, lhs, rhs) }

    /// Elementwise negation (integers wrap).
    public static prefix func - (x: Tensor) -> Tensor {
        if x.dtype == .bool { Elementwise.unsupported("negative", x.dtype, "a numeric type") }
        if let literal = x.literalValue {
            // Keep host scalars on the host: -Tensor(2.5) is the literal -2.5 (integers wrap).
            let negated: ScalarLiteral.Value
            switch literal.value {
            case .bool: Elementwise.unsupported("negative", x.dtype, "a numeric type")
            case .int(let i): negated = .int(0 &- i)
            case .uint(let u): negated = .int(0 &- Int64(bitPattern: u))
            case .float(let d): negated = .float(-d)
            }
            return Tensor(literal: ScalarLiteral(negated, dtype: literal.dtype, weak: literal.type.weakType))
        }
        return Lax.unary(.neg, x)
    }

    /// Bitwise and for integers, logical and for bool.
    public static func & (lhs: Tensor, rhs: Tensor) -> Tensor { Elementwise.binary("bitwiseAnd", .and, lhs, rhs) }
    /// Bitwise or for integers, logical or for bool.
    public static func | (lhs: Tensor, rhs: Tensor) -> Tensor { Elementwise.binary("bitwiseOr", .or, lhs, rhs) }
    /// Bitwise exclusive or for integers, logical xor for bool.
    public static func ^ (lhs: Tensor, rhs: Tensor) -> Tensor { Elementwise.binary("bitwiseXor", .xor, lhs, rhs) }
    /// Bitwise not for integers, logical not for bool.
    public static prefix func ~ (x: Tensor) -> Tensor {
        if x.dtype.isFloatingPoint { Elementwise.unsupported("bitwiseNot", x.dtype, "bool or an integer type") }
        return Lax.unary(.not, x)
    }

    /// `lhs = lhs + rhs` (rebinds the variable; the tensor itself is immutable).
    public static func += (lhs: inout Tensor, rhs: Tensor) { lhs = lhs + rhs }
    /// `lhs = lhs - rhs`.
    public static func -= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs - rhs }
    /// `lhs = lhs * rhs`.
    public static func *= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs * rhs }
    /// `lhs = lhs / rhs`.
    public static func /= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs / rhs }
}

/// Elementwise comparisons with broadcasting and promotion; the result is bool.
///
/// ```swift
/// let mask = x .> 0        // bool tensor
/// ```
extension Tensor {
    /// Elementwise `==`.
    public static func .== (lhs: Tensor, rhs: Tensor) -> Tensor { Elementwise.compare("equal", .eq, lhs, rhs) }
    /// Elementwise `!=`.
    public static func .!= (lhs: Tensor, rhs: Tensor) -> Tensor { Elementwise.compare("notEqual", .ne, lhs, rhs) }
    /// Elementwise `<`.
    public static func .< (lhs: Tensor, rhs: Tensor) -> Tensor { Elementwise.compare("less", .lt, lhs, rhs) }
    /// Elementwise `<=`.
    public static func .<= (lhs: Tensor, rhs: Tensor) -> Tensor { Elementwise.compare("lessEqual", .le, lhs, rhs) }
    /// Elementwise `>`.
    public static func .> (lhs: Tensor, rhs: Tensor) -> Tensor { Elementwise.compare("greater", .gt, lhs, rhs) }
    /// Elementwise `>=`.
    public static func .>= (lhs: Tensor, rhs: Tensor) -> Tensor { Elementwise.compare("greaterEqual", .ge, lhs, rhs) }
}
