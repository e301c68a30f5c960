import RealModule
import TesseraCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Elementwise arithmetic and bitwise operations of two operands of one dtype.
enum BinaryKernels {
    static func run(_ op: BinaryOp, _ x: UnsafeRawBufferPointer, _ y: UnsafeRawBufferPointer, _ dtype: DType,
                    _ out: UnsafeMutableRawBufferPointer) throws {
        if dtype == .float32, let done = arithmeticFloat32(op, x, y, out), done { return }
        switch dtype {
        case .float32: map2(x, y, out, Float.self, Float.self, try floatFunction(op, Float.self))
        case .float64: map2(x, y, out, Double.self, Double.self, try floatFunction(op, Double.self))
        case .float16:
            let f = try floatFunction(op, Float.self)
            map2(x, y, out, Float16.self, Float16.self) { Float16(f(Float($0), Float($1))) }
        case .int32: map2(x, y, out, Int32.self, Int32.self, try integerFunction(op, Int32.self))
        case .int64: map2(x, y, out, Int64.self, Int64.self, try integerFunction(op, Int64.self))
        case .uint32: map2(x, y, out, UInt32.self, UInt32.self, try integerFunction(op, UInt32.self))
        case .bool: map2(x, y, out, UInt8.self, UInt8.self, try boolFunction(op))
        }
    }

    /// float32 add/sub/mul/div written out without a closure call per element: the most
    /// common eager operations stay fast in debug builds too. Returns nil for other ops.
    static func arithmeticFloat32(_ op: BinaryOp, _ x: UnsafeRawBufferPointer, _ y: UnsafeRawBufferPointer,
                                  _ out: UnsafeMutableRawBufferPointer) -> Bool? {
        let n = out.count / 4
        guard n > 0 else { return nil }
        let a = x.baseAddress!.assumingMemoryBound(to: Float.self)
        let b = y.baseAddress!.assumingMemoryBound(to: Float.self)
        let o = out.baseAddress!.assumingMemoryBound(to: Float.self)
        var i = 0
        switch op {
        case .add: while i < n { o[i] = a[i] + b[i]; i += 1 }
        case .sub: while i < n { o[i] = a[i] - b[i]; i += 1 }
        case .mul: while i < n { o[i] = a[i] * b[i]; i += 1 }
        case .div: while i < n { o[i] = a[i] / b[i]; i += 1 }
        case .rem, .pow, .max, .min, .atan2, .and, .or, .xor, .shiftLeft, .shiftRightLogical, .shiftRightArithmetic:
            return nil
        }
        return true
    }

    static func unsupported(_ op: BinaryOp, _ kind: String) -> TesseraError {
        TesseraError(.unsupported, "reference: \(op.rawValue) does not support \(kind) operands")
    }

    /// Floating point: IEEE arithmetic, `rem` is C's fmod, `max`/`min` propagate NaN.
    static func floatFunction<F: Real & BinaryFloatingPoint>(_ op: BinaryOp, _: F.Type) throws -> (F, F) -> F {
        switch op {
        case .add: return { $0 + $1 }
        case .sub: return { $0 - $1 }
        case .mul: return { $0 * $1 }
        case .div: return { $0 / $1 }
        case .rem: return { $0.truncatingRemainder(dividingBy: $1) }
        case .pow: return { F(Glibc.pow(Double($0), Double($1))) }
        case .max: return { a, b in a.isNaN || b.isNaN ? F.nan : (a > b ? a : (b > a ? b : (a == 0 && a.sign == .plus ? a : b))) }
        case .min: return { a, b in a.isNaN || b.isNaN ? F.nan : (a < b ? a : (b < a ? b : (a == 0 && a.sign == .minus ? a : b))) }
        case .atan2: return { F.atan2(y: $0, x: $1) }
        case .and, .or, .xor, .shiftLeft, .shiftRightLogical, .shiftRightArithmetic:
            throw unsupported(op, "floating-point")
        }
    }

    /// Integers: wrapping arithmetic; division as XLA (truncating; x/0 is -1 for signed
    /// and all ones for unsigned, x%0 == x, INT_MIN / -1 == INT_MIN, INT_MIN % -1 == 0);
    /// shift amounts are unsigned and amounts >= the bit width give 0 (or the sign fill).
    static func integerFunction<I: FixedWidthInteger>(_ op: BinaryOp, _: I.Type) throws -> (I, I) -> I {
        let width = UInt64(I.bitWidth)
        switch op {
        case .add: return { $0 &+ $1 }
        case .sub: return { $0 &- $1 }
        case .mul: return { $0 &* $1 }
        case .div:
            return { a, b in
                if b == 0 { return ~0 }
                if I.isSigned && a == I.min && b == 0 &- 1 { return I.min }
                return a / b
            }
        case .rem:
            return { a, b in
                if b == 0 { return a }
                if I.isSigned && a == I.min && b == 0 &- 1 { return 0 }
                return a % b
            }
        case .pow: return { integerPower($0, $1) }
        case .max: return { Swift.max($0, $1) }
        case .min: return { Swift.min($0, $1) }
        case .and: return { $0 & $1 }
        case .or: return { $0 | $1 }
        case .xor: return { $0 ^ $1 }
        case .shiftLeft:
            return { a, b in UInt64(truncatingIfNeeded: b.magnitudeBits) >= width ? 0 : a &<< b }
        case .shiftRightLogical:
            return { a, b in
                if UInt64(truncatingIfNeeded: b.magnitudeBits) >= width { return 0 }
                return I(truncatingIfNeeded: a.magnitudeBits &>> UInt64(truncatingIfNeeded: b.magnitudeBits))
            }
        case .shiftRightArithmetic:
            return { a, b in
                // The sign bit is the top bit, for unsigned types too (XLA's AShr):
                // sign-extend the bits to 64, shift, and truncate back.
                let shift = UInt64(64) - width
                let extended = Int64(bitPattern: a.magnitudeBits &<< shift) &>> shift
                let amount = UInt64(truncatingIfNeeded: b.magnitudeBits)
                return I(truncatingIfNeeded: extended &>> Swift.min(amount, width - 1))
            }
        case .atan2: throw unsupported(op, "integer")
        }
    }

    /// `base ** exponent` by squaring, wrapping, as XLA: a negative exponent gives 0
    /// except for bases 1 and -1, and only the low six bits of the exponent count (XLA
    /// squares six times: any larger exponent overflows for |base| >= 2), so
    /// `3 ** 65 == 3`.
    static func integerPower<I: FixedWidthInteger>(_ base: I, _ exponent: I) -> I {
        if exponent < 0 {
            if base == 1 { return 1 }
            if I.isSigned && base == 0 &- 1 { return exponent & 1 == 0 ? 1 : base }
            return 0
        }
        var result: I = 1, b = base, e = exponent & 63
        while e != 0 {
            if e & 1 != 0 { result = result &* b }
            b = b &* b
            e >>= 1
        }
        return result
    }

    /// bool (bytes 0/1): `add`/`max`/`or` are or, `mul`/`min`/`and` are and.
    static func boolFunction(_ op: BinaryOp) throws -> (UInt8, UInt8) -> UInt8 {
        switch op {
        case .add, .max, .or: return { ($0 | $1) != 0 ? 1 : 0 }
        case .mul, .min, .and: return { ($0 != 0 && $1 != 0) ? 1 : 0 }
        case .xor: return { ($0 != 0) != ($1 != 0) ? 1 : 0 }
        case .sub, .div, .rem, .pow, .atan2, .shiftLeft, .shiftRightLogical, .shiftRightArithmetic:
            throw unsupported(op, "bool")
        }
    }
}

extension FixedWidthInteger {
    /// The two's-complement bits widened to UInt64 (zero-extended from the type's width).
    @inline(__always)
    var magnitudeBits: UInt64 {
        let width = Self.bitWidth
        let bits = UInt64(truncatingIfNeeded: self)
        return width == 64 ? bits : bits & ((UInt64(1) << UInt64(width)) - 1)
    }
}
