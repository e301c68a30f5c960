import TesseraCore

/// GLSL expressions for the scalar operations of the kernel IR, with the semantics of the
/// reference backend (XLA's): integer division by zero, wrapping, shifts by the bit width,
/// NaN-propagating max/min, saturating float -> integer conversion.
///
/// float16 values are computed in float32 and rounded (as the reference does); float32
/// elementary functions are evaluated in double when the device has shaderFloat64.
struct GLSLScalarOps {
    let hasFloat64: Bool
    /// Prelude sections the expressions produced so far need.
    var sections: Set<GLSLPrelude.Section> = []

    init(hasFloat64: Bool) { self.hasFloat64 = hasFloat64 }

    static func type(_ d: DType) -> String { ShaderProgram.glslType(d) }

    static func intSuffix(_ d: DType) -> String {
        switch d {
        case .int32: return "i32"
        case .uint32: return "u32"
        case .int64: return "i64"
        case .bool, .float16, .float32, .float64: return ""
        }
    }

    /// A literal of `dtype` with its exact bits.
    static func literal(_ l: ScalarLiteral, _ dtype: DType) -> String {
        let v = ScalarLiteral(l.value, dtype: dtype)
        switch dtype {
        case .bool: return v.doubleValue != 0 ? "true" : "false"
        case .int32: return "int(0x\(String(UInt32(truncatingIfNeeded: v.int64Value), radix: 16))u)"
        case .uint32: return "0x\(String(UInt32(truncatingIfNeeded: v.int64Value), radix: 16))u"
        case .int64: return "int64_t(0x\(String(UInt64(bitPattern: v.int64Value), radix: 16))ul)"
        case .float32: return "uintBitsToFloat(0x\(String(Float(v.doubleValue).bitPattern, radix: 16))u)"
        case .float16: return "float16_t(uintBitsToFloat(0x\(String(Float(v.doubleValue).bitPattern, radix: 16))u))"
        case .float64:
            let bits = v.doubleValue.bitPattern
            return "packDouble2x32(uvec2(0x\(String(UInt32(truncatingIfNeeded: bits), radix: 16))u, 0x\(String(UInt32(truncatingIfNeeded: bits >> 32), radix: 16))u))"
        }
    }

    /// A double-precision library function applied to a float32 expression, rounded back
    /// (or the GLSL builtin without shaderFloat64).
    mutating func viaDouble(_ f: String, _ builtin: String, _ x: String) -> String {
        if hasFloat64 {
            sections.insert(.dmath)
            return "float(\(f)(double(\(x))))"
        }
        switch builtin {
        case "log1p": return "log(1.0 + \(x))"
        case "expm1": return "(exp(\(x)) - 1.0)"
        default: return "\(builtin)(\(x))"
        }
    }

    /// `op(x)` for a float32 argument (also used for float16, computed in float32).
    mutating func unaryFloat32(_ op: UnaryOp, _ x: String) throws -> String {
        sections.insert(.f32core)
        switch op {
        case .neg: return "(-\(x))"
        case .abs: return "abs(\(x))"
        case .sign: return "tz_sign_f32(\(x))"
        case .floor: return "floor(\(x))"
        case .ceil: return "ceil(\(x))"
        case .round: return "roundEven(\(x))"
        case .exp: return viaDouble("tz_exp", "exp", x)
        case .exp2: return viaDouble("tz_exp2", "exp2", x)
        case .log: return viaDouble("tz_log", "log", x)
        case .log1p: return viaDouble("tz_log1p", "log1p", x)
        case .expm1: return viaDouble("tz_expm1", "expm1", x)
        case .sin: return viaDouble("tz_sin", "sin", x)
        case .cos: return viaDouble("tz_cos", "cos", x)
        case .tan: return viaDouble("tz_tan", "tan", x)
        case .tanh: return viaDouble("tz_tanh", "tanh", x)
        case .logistic:
            // As the reference: exp rounded to float, then 1 / (1 + e) in float.
            let e = viaDouble("tz_exp", "exp", "-(\(x))")
            return "(1.0 / (1.0 + \(e)))"
        case .sqrt: return "sqrt(\(x))"
        case .rsqrt: return "(1.0 / sqrt(\(x)))"
        case .erf: return try requireDouble("tz_erf", op, x)
        case .erfInv: return try requireDouble("tz_erfinv", op, x)
        case .lgamma: return try requireDouble("tz_lgamma", op, x)
        case .digamma: return try requireDouble("tz_digamma", op, x)
        case .not, .isFinite:
            throw TesseraError(.unsupported, "vulkan: \(op.rawValue) is not a float -> float operation")
        }
    }

    mutating func requireDouble(_ f: String, _ op: UnaryOp, _ x: String) throws -> String {
        guard hasFloat64 else {
            throw TesseraError(.unsupported, "vulkan: \(op.rawValue) needs shaderFloat64 on this device (it is evaluated in double precision)")
        }
        sections.insert(.dmath)
        return "float(\(f)(double(\(x))))"
    }

    mutating func unaryFloat64(_ op: UnaryOp, _ x: String) throws -> String {
        sections.insert(.f64core)
        func lib(_ f: String) -> String { sections.insert(.dmath); return "\(f)(\(x))" }
        switch op {
        case .neg: return "(-\(x))"
        case .abs: return "abs(\(x))"
        case .sign: return "tz_sign_f64(\(x))"
        case .floor: return "floor(\(x))"
        case .ceil: return "ceil(\(x))"
        case .round: return "roundEven(\(x))"
        case .exp: return lib("tz_exp")
        case .exp2: return lib("tz_exp2")
        case .log: return lib("tz_log")
        case .log1p: return lib("tz_log1p")
        case .expm1: return lib("tz_expm1")
        case .sin: return lib("tz_sin")
        case .cos: return lib("tz_cos")
        case .tan: return lib("tz_tan")
        case .tanh: return lib("tz_tanh")
        case .logistic: return "(1.0lf / (1.0lf + \(lib("tz_exp").replacingOccurrences(of: "(\(x))", with: "(-(\(x)))"))))"
        case .sqrt: return "sqrt(\(x))"
        case .rsqrt: return "(1.0lf / sqrt(\(x)))"
        case .erf: return lib("tz_erf")
        case .erfInv: return lib("tz_erfinv")
        case .lgamma: return lib("tz_lgamma")
        case .digamma: return lib("tz_digamma")
        case .not, .isFinite:
            throw TesseraError(.unsupported, "vulkan: \(op.rawValue) is not a float -> float operation")
        }
    }

    /// `op(x)` where x has dtype `d` (the result has dtype `d`, or bool for is_finite).
    mutating func unary(_ op: UnaryOp, _ d: DType, _ x: String) throws -> String {
        if op == .isFinite {
            guard d.isFloatingPoint else { throw unsupported(op.rawValue, d) }
            return "(!(isnan(\(x)) || isinf(\(x))))"
        }
        switch d {
        case .float32: return try unaryFloat32(op, x)
        case .float16: return "float16_t(\(try unaryFloat32(op, "float(\(x))")))"
        case .float64: return try unaryFloat64(op, x)
        case .bool:
            guard op == .not else { throw unsupported(op.rawValue, d) }
            return "(!\(x))"
        case .int32, .int64, .uint32:
            let t = Self.type(d)
            switch op {
            case .neg: return "(\(t)(0) - \(x))"
            case .abs: return d == .uint32 ? x : "(\(x) < \(t)(0) ? \(t)(0) - \(x) : \(x))"
            case .sign: return d == .uint32 ? "(\(x) > 0u ? 1u : 0u)" : "(\(x) > \(t)(0) ? \(t)(1) : (\(x) == \(t)(0) ? \(t)(0) : \(t)(-1)))"
            case .not: return "(~\(x))"
            case .floor, .ceil, .round, .exp, .exp2, .log, .log1p, .expm1, .sin, .cos, .tan, .tanh,
                 .logistic, .sqrt, .rsqrt, .erf, .erfInv, .lgamma, .digamma, .isFinite:
                throw unsupported(op.rawValue, d)
            }
        }
    }

    func unsupported(_ op: String, _ d: DType) -> TesseraError {
        TesseraError(.unsupported, "vulkan: \(op) does not support dtype \(d)")
    }

    mutating func binaryFloat32(_ op: BinaryOp, _ a: String, _ b: String) throws -> String {
        sections.insert(.f32core)
        switch op {
        case .add: return "(\(a) + \(b))"
        case .sub: return "(\(a) - \(b))"
        case .mul: return "(\(a) * \(b))"
        case .div: return "(\(a) / \(b))"
        case .rem: return "tz_rem_f32(\(a), \(b))"
        case .max: return "tz_max_f32(\(a), \(b))"
        case .min: return "tz_min_f32(\(a), \(b))"
        case .pow:
            guard hasFloat64 else { return "pow(\(a), \(b))" }
            sections.insert(.dmath)
            return "float(tz_pow(double(\(a)), double(\(b))))"
        case .atan2:
            guard hasFloat64 else { return "atan(\(a), \(b))" }
            sections.insert(.dmath)
            return "float(tz_atan2(double(\(a)), double(\(b))))"
        case .and, .or, .xor, .shiftLeft, .shiftRightLogical, .shiftRightArithmetic:
            throw unsupported(op.rawValue, .float32)
        }
    }

    /// `op(a, b)` on operands of dtype `d`.
    mutating func binary(_ op: BinaryOp, _ d: DType, _ a: String, _ b: String) throws -> String {
        switch d {
        case .float32: return try binaryFloat32(op, a, b)
        case .float16: return "float16_t(\(try binaryFloat32(op, "float(\(a))", "float(\(b))")))"
        case .float64:
            sections.insert(.f64core)
            switch op {
            case .add: return "(\(a) + \(b))"
            case .sub: return "(\(a) - \(b))"
            case .mul: return "(\(a) * \(b))"
            case .div: return "(\(a) / \(b))"
            case .rem: return "tz_rem_f64(\(a), \(b))"
            case .max: return "tz_max_f64(\(a), \(b))"
            case .min: return "tz_min_f64(\(a), \(b))"
            case .pow: sections.insert(.dmath); return "tz_pow(\(a), \(b))"
            case .atan2: sections.insert(.dmath); return "tz_atan2(\(a), \(b))"
            case .and, .or, .xor, .shiftLeft, .shiftRightLogical, .shiftRightArithmetic:
                throw unsupported(op.rawValue, d)
            }
        case .bool:
            switch op {
            case .add, .max, .or: return "(\(a) || \(b))"
            case .mul, .min, .and: return "(\(a) && \(b))"
            case .xor: return "(\(a) != \(b))"
            case .sub, .div, .rem, .pow, .atan2, .shiftLeft, .shiftRightLogical, .shiftRightArithmetic:
                throw unsupported(op.rawValue, d)
            }
        case .int32, .uint32, .int64:
            let s = Self.intSuffix(d)
            sections.insert(d == .int32 ? .i32 : d == .uint32 ? .u32 : .i64)
            switch op {
            case .add: return "(\(a) + \(b))"
            case .sub: return "(\(a) - \(b))"
            case .mul: return "(\(a) * \(b))"
            case .div: return "tz_div_\(s)(\(a), \(b))"
            case .rem: return "tz_rem_\(s)(\(a), \(b))"
            case .pow: return "tz_pow_\(s)(\(a), \(b))"
            case .max: return "max(\(a), \(b))"
            case .min: return "min(\(a), \(b))"
            case .and: return "(\(a) & \(b))"
            case .or: return "(\(a) | \(b))"
            case .xor: return "(\(a) ^ \(b))"
            case .shiftLeft: return "tz_shl_\(s)(\(a), \(b))"
            case .shiftRightLogical: return "tz_shrl_\(s)(\(a), \(b))"
            case .shiftRightArithmetic: return "tz_shra_\(s)(\(a), \(b))"
            case .atan2: throw unsupported(op.rawValue, d)
            }
        }
    }

    /// `op(a, b)` -> bool on operands of dtype `d`.
    func compare(_ op: CompareOp, _ d: DType, _ a: String, _ b: String) -> String {
        let (x, y) = d == .bool ? ("int(\(a))", "int(\(b))") : (a, b)
        switch op {
        case .eq: return "(\(x) == \(y))"
        case .ne: return "(\(x) != \(y))"
        case .lt: return "(\(x) < \(y))"
        case .le: return "(\(x) <= \(y))"
        case .gt: return "(\(x) > \(y))"
        case .ge: return "(\(x) >= \(y))"
        }
    }

    /// `convert_element_type` from `s` to `d`.
    func convert(_ x: String, from s: DType, to d: DType) -> String {
        if s == d { return x }
        if s == .bool {
            switch d {
            case .bool: return x
            case .float16: return "float16_t(\(x) ? 1.0 : 0.0)"
            case .float64: return "(\(x) ? 1.0lf : 0.0lf)"
            default: return "\(Self.type(d))(\(x) ? 1 : 0)"
            }
        }
        if d == .bool {
            return "(\(x) != \(Self.type(s))(0))"
        }
        if s.isFloatingPoint && d.isInteger {
            // Saturating, NaN -> 0, truncating toward zero.
            let w = hasFloat64 ? "double(\(x))" : "float(\(x))"
            let suffix = hasFloat64 ? "lf" : ""
            switch d {
            case .int32:
                return "(isnan(\(w)) ? 0 : (\(w) >= 2147483648.0\(suffix) ? 2147483647 : (\(w) <= -2147483648.0\(suffix) ? int(0x80000000u) : int(\(w)))))"
            case .uint32:
                return "(isnan(\(w)) || \(w) <= 0.0\(suffix) ? 0u : (\(w) >= 4294967296.0\(suffix) ? 0xffffffffu : uint(\(w))))"
            case .int64:
                return "(isnan(\(w)) ? int64_t(0) : (\(w) >= 9223372036854775808.0\(suffix) ? int64_t(0x7ffffffffffffffful) : (\(w) <= -9223372036854775808.0\(suffix) ? int64_t(0x8000000000000000ul) : int64_t(\(w)))))"
            case .bool, .float16, .float32, .float64: return x
            }
        }
        if s.isInteger && d == .float16 {
            return "float16_t(float(\(x)))"
        }
        if s == .int64 && d == .uint32 { return "uint(uint64_t(\(x)))" }
        if s == .uint32 && d == .int64 { return "int64_t(uint64_t(\(x)))" }
        return "\(Self.type(d))(\(x))"
    }

    /// `bitcast_convert_type` between dtypes of one size.
    func bitcast(_ x: String, from s: DType, to d: DType) -> String {
        if s == d { return x }
        switch (s, d) {
        case (.float32, .int32): return "floatBitsToInt(\(x))"
        case (.float32, .uint32): return "floatBitsToUint(\(x))"
        case (.int32, .float32): return "intBitsToFloat(\(x))"
        case (.uint32, .float32): return "uintBitsToFloat(\(x))"
        case (.int32, .uint32): return "uint(\(x))"
        case (.uint32, .int32): return "int(\(x))"
        case (.float64, .int64): return "int64_t(packUint2x32(unpackDouble2x32(\(x))))"
        case (.int64, .float64): return "packDouble2x32(unpackUint2x32(uint64_t(\(x))))"
        default: return "\(Self.type(d))(\(x))"
        }
    }
}
