extension Tensor: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral {
    /// An integer literal: a weakly typed scalar (it adopts the other operand's dtype, as
    /// a Python int does in JAX). A value outside the int32 range is kept exactly as a weak
    /// int64, so `x_i64 + 5_000_000_000` is exact.
    public init(integerLiteral value: Int) {
        self.init(literal: ScalarLiteral(.int(Int64(value)), dtype: Int32(exactly: value) == nil ? .int64 : .int32, weak: true))
    }
    /// A float literal: a weakly typed float32 scalar (`x_f16 + 2.5` stays float16).
    public init(floatLiteral value: Double) {
        self.init(literal: ScalarLiteral(.float(value), dtype: .float32, weak: true))
    }
    /// A bool literal (strongly typed bool, as in JAX).
    public init(booleanLiteral value: Bool) {
        self.init(literal: ScalarLiteral(.bool(value), dtype: .bool))
    }
}
