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
