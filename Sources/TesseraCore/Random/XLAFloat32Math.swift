/// XLA CPU's float32 `log`, `log1p` and `erf_inv`, composed from Lax primitives so that
/// `Random.normal` reproduces JAX's samples bit for bit.
///
/// JAX lowers `erf_inv` to Giles' polynomial (`chlo.erf_inv`), and XLA's CPU compiler
/// evaluates `log1p` with a Cephes rational function and `log` with the Cephes polynomial,
/// contracting each `a * b + c` of those polynomials into a fused multiply-add. A plain
/// `log1p`/`erf_inv` (correctly rounded) differs from JAX in the last bit for about 5% of
/// samples; these compositions match exactly. Fused multiply-adds are evaluated in float64
/// (exact product, one rounding of the sum, then rounding to float32) when the device
/// supports float64, else with error-free transformations in float32 (`FusedMultiplyAdd`).
/// The choice follows the device of the operands (the default device while tracing).
enum XLAFloat32 {
    /// A float32 constant with the shape of `x`.
    static func const(_ v: Double, like x: Tensor) -> Tensor { Lax.full(v, shape: x.shape, dtype: .float32) }
    /// A uint32 constant with the shape of `x`.
    static func uconst(_ v: UInt32, like x: Tensor) -> Tensor {
        Lax.broadcastInDim(Tensor(literal: ScalarLiteral(.uint(UInt64(v)), dtype: .uint32)), shape: x.shape, dims: [])
    }

    static func add(_ a: Tensor, _ b: Tensor) -> Tensor { Lax.binary(.add, a, b) }
    static func sub(_ a: Tensor, _ b: Tensor) -> Tensor { Lax.binary(.sub, a, b) }
    static func mul(_ a: Tensor, _ b: Tensor) -> Tensor { Lax.binary(.mul, a, b) }

    /// Whether fused multiply-adds on `x`'s device can be emulated exactly through float64.
    static func fusedThroughFloat64(_ x: Tensor) -> Bool { !avoidFloat64 && x.device.supports(.float64) }

    /// Forces the float32-only (error-free transformation) path, as on a device without
    /// float64; for tests.
    @TaskLocal static var avoidFloat64 = false

    /// `x` in the type multiply-add operands are carried in: float64 (exact) when fused
    /// multiply-adds go through float64, else unchanged. Widening an operand once saves a
    /// conversion in every multiply-add that uses it.
    static func widen(_ x: Tensor) -> Tensor {
        fusedThroughFloat64(x) && x.dtype == .float32 ? Lax.convert(x, to: .float64) : x
    }

    /// A float32 constant in the operand type of `fma` (see `widen`).
    static func wideConst(_ v: Double, like x: Tensor) -> Tensor {
        fusedThroughFloat64(x) ? Lax.full(Double(Float(v)), shape: x.shape, dtype: .float64) : const(v, like: x)
    }

    /// `a * b + c` rounded once to float32, for float32 values (given as float32, or widened
    /// to float64 with `widen`/`wideConst`).
    static func fma(_ a: Tensor, _ b: Tensor, _ c: Tensor) -> Tensor {
        guard fusedThroughFloat64(a) else { return FusedMultiplyAdd.errorFree(a, b, c) }
        let sum = Lax.binary(.add, Lax.binary(.mul, widen(a), widen(b)), widen(c))
        return Lax.convert(sum, to: .float32)
    }

    /// XLA CPU's float32 natural logarithm (the Cephes algorithm, as Eigen's `plog`).
    static func log(_ input: Tensor) -> Tensor {
        let c = { (v: Double) in const(v, like: input) }
        let w = { (v: Double) in wideConst(v, like: input) }
        let minNormal = c(Double(Float.leastNormalMagnitude))
        let bits = Lax.bitcast(Lax.binary(.max, input, minNormal), to: .uint32)
        let exponentBits = Lax.binary(.shiftRightLogical, bits, uconst(23, like: input))
        let emm0 = Lax.binary(.sub, Lax.convert(exponentBits, to: .int32), Lax.full(127, shape: input.shape, dtype: .int32))
        let mantissaBits = Lax.binary(.or, Lax.binary(.and, bits, uconst(~UInt32(0x7f80_0000), like: input)),
                                      uconst(Float(0.5).bitPattern, like: input))
        var x = Lax.bitcast(mantissaBits, to: .float32)
        var e = add(Lax.convert(emm0, to: .float32), c(1))
        let mask = Lax.compare(.lt, x, c(0.707106781186547524))
        let tmp1 = Lax.select(mask, onTrue: x, onFalse: c(0))
        x = sub(x, c(1))
        e = sub(e, Lax.select(mask, onTrue: c(1), onFalse: c(0)))
        x = add(x, tmp1)
        let x2 = mul(x, x), x3 = mul(x2, x)
        let xw = widen(x), x2w = widen(x2), x3w = widen(x3), ew = widen(e)
        let p = [7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1, 1.4249322787E-1,
                 -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1, 3.3333331174E-1].map(w)
        var y = fma(xw, p[0], p[1]), y1 = fma(xw, p[3], p[4]), y2 = fma(xw, p[6], p[7])
        y = fma(y, xw, p[2]); y1 = fma(y1, xw, p[5]); y2 = fma(y2, xw, p[8])
        y = fma(y, x3w, y1); y = fma(y, x3w, y2)
        y = fma(y, x3w, mul(c(-2.12194440e-4), e))
        x = fma(w(-0.5), x2w, xw)
        x = add(x, y)
        x = fma(w(0.693359375), ew, x)
        // Special values: log(0) = -inf, log(+inf) = +inf, log(negative or NaN) = NaN.
        let isZero = Lax.compare(.eq, input, c(0))
        let isInf = Lax.compare(.eq, input, c(.infinity))
        let invalid = Lax.unary(.not, Lax.compare(.ge, input, c(0)))
        x = Lax.select(isInf, onTrue: c(.infinity), onFalse: x)
        x = Lax.select(isZero, onTrue: c(-.infinity), onFalse: x)
        return Lax.select(invalid, onTrue: c(.nan), onFalse: x)
    }

    /// XLA's float32 `log1p`: a Cephes rational function for |x| < sqrt(2) - 1, else `log(1 + x)`.
    static func log1p(_ x: Tensor) -> Tensor {
        let c = { (v: Double) in const(v, like: x) }
        let large = log(add(x, c(1)))
        let denominator = [1.0, 1.5062909083469192043167E1, 8.3047565967967209469434E1, 2.2176239823732856465394E2,
                           3.0909872225312059774938E2, 2.1642788614495947685003E2, 6.0118660497603843919306E1]
        let numerator = [4.5270000862445199635215E-5, 4.9854102823193375972212E-1, 6.5787325942061044846969E0,
                         2.9911919328553073277375E1, 6.0949667980987787057556E1, 5.7112963590585538103336E1,
                         2.0039553499201281259648E1]
        let xw = widen(x)
        func polynomial(_ coefficients: [Double]) -> Tensor {
            var p = c(coefficients[0])
            for k in coefficients.dropFirst() { p = fma(p, xw, wideConst(k, like: x)) }
            return p
        }
        let x2 = mul(x, x)
        var small = Lax.binary(.div, polynomial(numerator), polynomial(denominator))
        small = mul(mul(x, x2), small)
        small = fma(wideConst(-0.5, like: x), x2, small)
        small = add(x, small)
        let isSmall = Lax.compare(.lt, Lax.unary(.abs, x), c(0.41421356237309504880))
        return Lax.select(isSmall, onTrue: small, onFalse: large)
    }

    /// XLA's float32 `erf_inv` (Giles' single-precision approximation).
    static func erfInv(_ x: Tensor) -> Tensor {
        let c = { (v: Double) in const(v, like: x) }
        let w0 = Lax.unary(.neg, log1p(mul(x, Lax.unary(.neg, x))))
        let lt = Lax.compare(.lt, w0, c(5))
        let w = widen(Lax.select(lt, onTrue: sub(w0, c(2.5)), onFalse: sub(Lax.unary(.sqrt, w0), c(3))))
        let small = [2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                     -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]
        let large = [-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                     -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]
        let coefficient = { (i: Int) in
            Lax.select(lt, onTrue: wideConst(small[i], like: x), onFalse: wideConst(large[i], like: x))
        }
        var p = Lax.select(lt, onTrue: c(small[0]), onFalse: c(large[0]))
        for i in 1..<small.count { p = fma(p, w, coefficient(i)) }
        let result = mul(p, x)
        let atOne = Lax.compare(.eq, Lax.unary(.abs, x), c(1))
        return Lax.select(atOne, onTrue: mul(x, c(.infinity)), onFalse: result)
    }
}
