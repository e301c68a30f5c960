/// The common path of every elementwise operation of the API: JAX type promotion (Swift
/// literals are weak, as Python scalars in JAX), host-side conversion of scalar literals,
/// and NumPy broadcasting, before one strict `Lax` call.
enum Elementwise {
    /// `x` converted to `dtype` with the given weakness. A host scalar (a literal or
    /// `Tensor(3)`) is converted on the host, so it stays an inline literal in jaxprs
    /// (`mul a -4`) rather than becoming a `convert_element_type` equation.
    static func convert(_ x: Tensor, to dtype: DType, weak: Bool) -> Tensor {
        if x.dtype == dtype && x.isWeaklyTyped == weak { return x }
        if let literal = x.literalValue {
            return Tensor(literal: ScalarLiteral(literal.value, dtype: dtype, weak: weak))
        }
        return Lax.convert(x, to: dtype, weak: weak)
    }

    /// The promoted dtype and weakness of operands, as `jnp.result_type`.
    ///
    /// One refinement over the lattice's defaults: a weak float meeting a strong 64-bit
    /// integer gives float64, as in JAX, where int64 exists only with x64 enabled and weak
    /// floats then default to float64 (`x_i64 * 2.5` is float64, `x_i32 * 2.5` float32).
    static func resultType(_ xs: [Tensor]) -> (DType, Bool) {
        guard var (dtype, weak) = xs.first.map({ ($0.dtype, $0.isWeaklyTyped) }) else { return (.float32, true) }
        for x in xs.dropFirst() { (dtype, weak) = promoteTypes(dtype, weak: weak, x.dtype, weak: x.isWeaklyTyped) }
        if weak && dtype == .float32 && xs.contains(where: { $0.dtype == .int64 && !$0.isWeaklyTyped }) {
            dtype = .float64
        }
        return (dtype, weak)
    }

    /// Operands promoted to one dtype (or to `dtype` when given) and broadcast to one shape.
    static func promoteAndBroadcast(_ operation: String, _ xs: [Tensor], dtype: DType? = nil) -> [Tensor] {
        var (target, weak) = resultType(xs)
        if let dtype, dtype != target {
            target = dtype
            weak = false
        }
        let shape = broadcastShapes(operation, xs.map(\.shape))
        return xs.map { convert($0, to: target, weak: weak).broadcast(to: shape, operation: operation) }
    }

    /// `op(a, b)` with promotion and broadcasting; `operation` names it in messages.
    static func binary(_ operation: String, _ op: BinaryOp, _ a: Tensor, _ b: Tensor) -> Tensor {
        let ab = promoteAndBroadcast(operation, [a, b])
        checkDType(operation, op, ab[0].dtype)
        return Lax.binary(op, ab[0], ab[1])
    }

    /// `op(a, b)` -> bool with promotion and broadcasting.
    static func compare(_ operation: String, _ op: CompareOp, _ a: Tensor, _ b: Tensor) -> Tensor {
        let ab = promoteAndBroadcast(operation, [a, b])
        return Lax.compare(op, ab[0], ab[1])
    }

    /// `x` as a floating-point tensor, as `jnp` does for `exp`, `sin`, ...: int64 becomes
    /// float64 (JAX with x64 enabled), other integers and bools float32 (JAX's defaults).
    static func toFloat(_ x: Tensor) -> Tensor {
        if x.dtype.isFloatingPoint { return x }
        return convert(x, to: x.dtype == .int64 ? .float64 : .float32, weak: x.isWeaklyTyped)
    }

    /// Stops with "<operation>: unsupported dtype <dtype> (...)" when `op` does not accept
    /// `dtype`.
    static func checkDType(_ operation: String, _ op: BinaryOp, _ dtype: DType) {
        switch op {
        case .and, .or, .xor:
            if dtype.isFloatingPoint { unsupported(operation, dtype, "bool or an integer type") }
        case .shiftLeft, .shiftRightLogical, .shiftRightArithmetic:
            if !dtype.isInteger { unsupported(operation, dtype, "an integer type") }
        case .atan2:
            if !dtype.isFloatingPoint { unsupported(operation, dtype, "a floating-point type") }
        case .sub, .div, .rem, .pow:
            if dtype == .bool { unsupported(operation, dtype, "a numeric type") }
        case .add, .mul, .max, .min:
            return
        }
    }

    /// Stops with the unsupported-dtype message.
    static func unsupported(_ operation: String, _ dtype: DType, _ expected: String) -> Never {
        usageError("\(operation): unsupported dtype \(dtype) (expects \(expected))")
    }
}
