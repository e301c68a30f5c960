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

    /// Whether fused multiply-adds can be emulated exactly through float64.
    static var fusedThroughFloat64: Bool { Device.default.supports(.float64) }

    /// `a * b + c` with one rounding (float32 operands).
    static func fma(_ a: Tensor, _ b: Tensor, _ c: Tensor) -> Tensor {
        guard fusedThroughFloat64 else { return FusedMultiplyAdd.errorFree(a, b, c) }
        let wide = { (t: Tensor) in Lax.convert(t, to: .float64) }
        return Lax.convert(Lax.binary(.add, Lax.binary(.mul, wide(a), wide(b)), wide(c)), to: .float32)
    }

    /// XLA CPU's float32 natural logarithm (the Cephes algorithm, as Eigen's `plog`).
    static func log(_ input: Tensor) -> Tensor {
        let c = { (v: Double) in const(v, like: input) }
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
        let p = [7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1, 1.4249322787E-1,
                 -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1, 3.3333331174E-1].map(c)
        var y = fma(x, p[0], p[1]), y1 = fma(x, p[3], p[4]), y2 = fma(x, p[6], p[7])
        y = fma(y, x, p[2]); y1 = fma(y1, x, p[5]); y2 = fma(y2, x, p[8])
        y = fma(y, x3, y1); y = fma(y, x3, y2)
        y = fma(y, x3, mul(c(-2.12194440e-4), e))
        x = fma(c(-0.5), x2, x)
        x = add(x, y)
        x = fma(c(0.693359375), e, x)
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
        func polynomial(_ coefficients: [Double]) -> Tensor {
            var p = c(coefficients[0])
            for k in coefficients.dropFirst() { p = fma(p, x, c(k)) }
            return p
        }
        let x2 = mul(x, x)
        var small = Lax.binary(.div, polynomial(numerator), polynomial(denominator))
        small = mul(mul(x, x2), small)
        small = fma(c(-0.5), x2, small)
        small = add(x, small)
        let isSmall = Lax.compare(.lt, Lax.unary(.abs, x), c(0.41421356237309504880))
        return Lax.select(isSmall, onTrue: small, onFalse: large)
    }

    /// XLA's float32 `erf_inv` (Giles' single-precision approximation).
    static func erfInv(_ x: Tensor) -> Tensor {
        let c = { (v: Double) in const(v, like: x) }
        let w0 = Lax.unary(.neg, log1p(mul(x, Lax.unary(.neg, x))))
        let lt = Lax.compare(.lt, w0, c(5))
        let w = Lax.select(lt, onTrue: sub(w0, c(2.5)), onFalse: sub(Lax.unary(.sqrt, w0), c(3)))
        let small = [2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                     -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]
        let large = [-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                     -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]
        let coefficient = { (i: Int) in Lax.select(lt, onTrue: c(small[i]), onFalse: c(large[i])) }
        var p = coefficient(0)
        for i in 1..<small.count { p = fma(p, w, coefficient(i)) }
        let result = mul(p, x)
        let atOne = Lax.compare(.eq, Lax.unary(.abs, x), c(1))
        return Lax.select(atOne, onTrue: mul(x, c(.infinity)), onFalse: result)
    }
}

/// `a * b + c` with a single rounding, from plain arithmetic: Dekker's exact product
/// (Veltkamp splitting) and Knuth's exact sum give the product and sum with their rounding
/// errors, and the errors are added back before the last rounding. This is XLA's contracted
/// multiply-add for the float64 polynomials (and float32 ones on a device without float64);
/// it agrees with a true fused multiply-add except in rare double-rounding ties.
enum FusedMultiplyAdd {
    static func errorFree(_ a: Tensor, _ b: Tensor, _ c: Tensor) -> Tensor {
        let dtype = a.dtype
        let add = { (x: Tensor, y: Tensor) in Lax.binary(.add, x, y) }
        let sub = { (x: Tensor, y: Tensor) in Lax.binary(.sub, x, y) }
        let mul = { (x: Tensor, y: Tensor) in Lax.binary(.mul, x, y) }
        // Veltkamp's splitter 2^ceil(p/2) + 1 for p significand bits.
        let splitter = Lax.full(dtype == .float64 ? 134_217_729 : 4097, shape: a.shape, dtype: dtype)
        func split(_ x: Tensor) -> (Tensor, Tensor) {
            let t = mul(splitter, x)
            let hi = sub(t, sub(t, x))
            return (hi, sub(x, hi))
        }
        let p = mul(a, b)
        let (ah, al) = split(a), (bh, bl) = split(b)
        let productError = add(add(add(sub(mul(ah, bh), p), mul(ah, bl)), mul(al, bh)), mul(al, bl))
        let s = add(p, c)
        let bb = sub(s, p)
        let sumError = add(sub(p, sub(s, bb)), sub(c, bb))
        return add(s, add(productError, sumError))
    }
}

/// XLA's float64 `log1p` and `erf_inv` (Giles' double-precision approximation), composed
/// from Lax primitives with the polynomial multiply-adds fused as XLA's CPU compiler does.
enum XLAFloat64 {
    /// XLA's float64 `log1p`: the Cephes rational function for |x| < sqrt(2) - 1, else `log(1 + x)`.
    static func log1p(_ x: Tensor) -> Tensor {
        let c = { (v: Double) in Lax.full(v, shape: x.shape, dtype: .float64) }
        let add = { (a: Tensor, b: Tensor) in Lax.binary(.add, a, b) }
        let mul = { (a: Tensor, b: Tensor) in Lax.binary(.mul, a, b) }
        let large = Lax.unary(.log, add(x, c(1)))
        func polynomial(_ coefficients: [Double]) -> Tensor {
            var p = c(coefficients[0])
            for k in coefficients.dropFirst() { p = FusedMultiplyAdd.errorFree(p, x, c(k)) }
            return p
        }
        let denominator = [1.0, 1.5062909083469192043167E1, 8.3047565967967209469434E1, 2.2176239823732856465394E2,
                           3.0909872225312059774938E2, 2.1642788614495947685003E2, 6.0118660497603843919306E1]
        let numerator = [4.5270000862445199635215E-5, 4.9854102823193375972212E-1, 6.5787325942061044846969E0,
                         2.9911919328553073277375E1, 6.0949667980987787057556E1, 5.7112963590585538103336E1,
                         2.0039553499201281259648E1]
        let x2 = mul(x, x)
        var small = Lax.binary(.div, polynomial(numerator), polynomial(denominator))
        small = mul(mul(x, x2), small)
        small = FusedMultiplyAdd.errorFree(c(-0.5), x2, small)
        small = add(x, small)
        let isSmall = Lax.compare(.lt, Lax.unary(.abs, x), c(0.41421356237309504880))
        return Lax.select(isSmall, onTrue: small, onFalse: large)
    }

    /// XLA's float64 `erf_inv`.
    static func erfInv(_ x: Tensor) -> Tensor {
        let c = { (v: Double) in Lax.full(v, shape: x.shape, dtype: .float64) }
        let mul = { (a: Tensor, b: Tensor) in Lax.binary(.mul, a, b) }
        let w = Lax.unary(.neg, log1p(mul(x, Lax.unary(.neg, x))))
        let w625 = [-3.6444120640178196996e-21, -1.685059138182016589e-19, 1.2858480715256400167e-18,
                    1.115787767802518096e-17, -1.333171662854620906e-16, 2.0972767875968561637e-17,
                    6.6376381343583238325e-15, -4.0545662729752068639e-14, -8.1519341976054721522e-14,
                    2.6335093153082322977e-12, -1.2975133253453532498e-11, -5.4154120542946279317e-11,
                    1.051212273321532285e-09, -4.1126339803469836976e-09, -2.9070369957882005086e-08,
                    4.2347877827932403518e-07, -1.3654692000834678645e-06, -1.3882523362786468719e-05,
                    0.0001867342080340571352, -0.00074070253416626697512, -0.0060336708714301490533,
                    0.24015818242558961693, 1.6536545626831027356]
        let w16 = [2.2137376921775787049e-09, 9.0756561938885390979e-08, -2.7517406297064545428e-07,
                   1.8239629214389227755e-08, 1.5027403968909827627e-06, -4.013867526981545969e-06,
                   2.9234449089955446044e-06, 1.2475304481671778723e-05, -4.7318229009055733981e-05,
                   6.8284851459573175448e-05, 2.4031110387097893999e-05, -0.0003550375203628474796,
                   0.00095328937973738049703, -0.0016882755560235047313, 0.0024914420961078508066,
                   -0.0037512085075692412107, 0.005370914553590063617, 1.0052589676941592334,
                   3.0838856104922207635]
        let wLarge = [-2.7109920616438573243e-11, -2.5556418169965252055e-10, 1.5076572693500548083e-09,
                      -3.7894654401267369937e-09, 7.6157012080783393804e-09, -1.4960026627149240478e-08,
                      2.9147953450901080826e-08, -6.7711997758452339498e-08, 2.2900482228026654717e-07,
                      -9.9298272942317002539e-07, 4.5260625972231537039e-06, -1.9681778105531670567e-05,
                      7.5995277030017761139e-05, -0.00021503011930044477347, -0.00013871931833623122026,
                      1.0103004648645343977, 4.8499064014085844221]
        func polynomial(_ coefficients: [Double], _ t: Tensor) -> Tensor {
            var p = c(coefficients[0])
            for k in coefficients.dropFirst() { p = FusedMultiplyAdd.errorFree(p, t, c(k)) }
            return p
        }
        let sqrtW = Lax.unary(.sqrt, w)
        let p625 = polynomial(w625, Lax.binary(.sub, w, c(3.125)))
        let p16 = polynomial(w16, Lax.binary(.sub, sqrtW, c(3.25)))
        let pLarge = polynomial(wLarge, Lax.binary(.sub, sqrtW, c(5)))
        let p = Lax.select(Lax.compare(.lt, w, c(6.25)), onTrue: p625,
                           onFalse: Lax.select(Lax.compare(.lt, w, c(16)), onTrue: p16, onFalse: pLarge))
        let atOne = Lax.compare(.eq, Lax.unary(.abs, x), c(1))
        return Lax.select(atOne, onTrue: mul(x, c(.infinity)), onFalse: mul(p, x))
    }
}
