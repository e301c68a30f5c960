import RealModule
import TesseraCore

/// Elementwise operations of one operand (`neg`, `exp`, `is_finite`, ...).
enum UnaryKernels {
    static func run(_ op: UnaryOp, _ x: UnsafeRawBufferPointer, _ xType: ShapedType,
                    _ out: UnsafeMutableRawBufferPointer) throws {
        switch xType.dtype {
        case .float32: try floating(op, x, out, Float.self)
        case .float64: try floating(op, x, out, Double.self)
        case .float16: try half(op, x, out)
        case .int32: try integer(op, x, out, Int32.self)
        case .int64: try integer(op, x, out, Int64.self)
        case .uint32: try integer(op, x, out, UInt32.self)
        case .bool:
            guard op == .not else { throw unsupported(op, "bool") }
            map1(x, out, UInt8.self, UInt8.self) { $0 == 0 ? 1 : 0 }
        }
    }

    static func unsupported(_ op: UnaryOp, _ kind: String) -> TesseraError {
        TesseraError(.unsupported, "reference: \(op.rawValue) does not support \(kind) operands")
    }

    /// float32 and float64: computed in the type itself.
    static func floating<F: Real & BinaryFloatingPoint & HostElement>(
        _ op: UnaryOp, _ x: UnsafeRawBufferPointer, _ out: UnsafeMutableRawBufferPointer, _: F.Type) throws {
        if op == .isFinite {
            map1(x, out, F.self, UInt8.self) { $0.isFinite ? 1 : 0 }
            return
        }
        let f: (F) -> F = try function(op, F.self)
        map1(x, out, F.self, F.self, f)
    }

    /// float16: computed in Float and rounded to Float16.
    static func half(_ op: UnaryOp, _ x: UnsafeRawBufferPointer, _ out: UnsafeMutableRawBufferPointer) throws {
        if op == .isFinite {
            map1(x, out, Float16.self, UInt8.self) { $0.isFinite ? 1 : 0 }
            return
        }
        let f: (Float) -> Float = try function(op, Float.self)
        map1(x, out, Float16.self, Float16.self) { Float16(f(Float($0))) }
    }

    /// The scalar function of a floating-point unary op.
    static func function<F: Real & BinaryFloatingPoint>(_ op: UnaryOp, _: F.Type) throws -> (F) -> F {
        switch op {
        case .neg: return { -$0 }
        case .abs: return { Swift.abs($0) }
        case .sign: return { $0.isNaN ? $0 : ($0 > 0 ? 1 : ($0 < 0 ? -1 : $0)) }
        case .floor: return { $0.rounded(.down) }
        case .ceil: return { $0.rounded(.up) }
        case .round: return { $0.rounded(.toNearestOrEven) }
        case .exp: return { F.exp($0) }
        case .exp2: return { F.exp2($0) }
        case .log: return { F.log($0) }
        case .log1p: return { F.log(onePlus: $0) }
        case .expm1: return { F.expMinusOne($0) }
        case .sin: return { F.sin($0) }
        case .cos: return { F.cos($0) }
        case .tan: return { F.tan($0) }
        case .tanh: return { F.tanh($0) }
        case .logistic: return { 1 / (1 + F.exp(-$0)) }
        case .sqrt: return { $0.squareRoot() }
        case .rsqrt: return { 1 / $0.squareRoot() }
        case .erf: return { F.erf($0) }
        case .erfInv: return { F(SpecialFunctions.erfInv(Double($0))) }
        case .lgamma: return { F.logGamma($0) }
        case .digamma: return { F(SpecialFunctions.digamma(Double($0))) }
        case .not, .isFinite: throw unsupported(op, "floating-point")
        }
    }

    /// Integers: negation and abs wrap (abs(INT_MIN) == INT_MIN), `not` is bitwise.
    static func integer<I: FixedWidthInteger & HostElement>(
        _ op: UnaryOp, _ x: UnsafeRawBufferPointer, _ out: UnsafeMutableRawBufferPointer, _: I.Type) throws {
        switch op {
        case .neg: map1(x, out, I.self, I.self) { 0 &- $0 }
        case .abs: map1(x, out, I.self, I.self) { $0 < 0 ? 0 &- $0 : $0 }
        case .sign: map1(x, out, I.self, I.self) { $0 > 0 ? 1 : ($0 == 0 ? 0 : 0 &- 1) }
        case .not: map1(x, out, I.self, I.self) { ~$0 }
        case .floor, .ceil, .round, .exp, .exp2, .log, .log1p, .expm1, .sin, .cos, .tan, .tanh,
             .logistic, .sqrt, .rsqrt, .erf, .erfInv, .lgamma, .digamma, .isFinite:
            throw unsupported(op, "integer")
        }
    }
}
