/// Argument reduction for sin, cos and tan in the double-precision GLSL library:
/// x = k * pi/2 + r with |r| <= pi/4, correct for every finite double.
///
/// Moderate arguments (|x| < 8e5) use Cody-Waite with pi/2 split in three parts (the
/// products k * part are exact for |k| < 2^20); larger ones use Payne-Hanek: the 53-bit
/// significand is multiplied exactly, in 32-bit words, by the 224 bits of 2/pi that
/// matter at its exponent, and r comes from the 128 fraction bits of that product (the
/// closest a double gets to a multiple of pi/2 is about 2^-61 relative, well within).
/// The table holds 1280 bits of 2/pi, enough for the largest double
/// (`scripts/testdata/two_over_pi.py` regenerates it).
enum GLSLTrigReduction {
    static let source = """
    const uint TZ_TWO_OVER_PI[40] = uint[40](
        0xa2f9836eu, 0x4e441529u, 0xfc2757d1u, 0xf534ddc0u, 0xdb629599u, 0x3c439041u, 0xfe5163abu, 0xdebbc561u,
        0xb7246e3au, 0x424dd2e0u, 0x06492eeau, 0x09d1921cu, 0xfe1deb1cu, 0xb129a73eu, 0xe88235f5u, 0x2ebb4484u,
        0xe99c7026u, 0xb45f7e41u, 0x3991d639u, 0x835339f4u, 0x9c845f8bu, 0xbdf9283bu, 0x1ff897ffu, 0xde05980fu,
        0xef2f118bu, 0x5a0a6d1fu, 0x6d367ecfu, 0x27cb09b7u, 0x4f463f66u, 0x9e5fea2du, 0x7527bac7u, 0xebe5f17bu,
        0x3d0739f7u, 0x8a5292eau, 0x6bfb5fb1u, 0x1f8d5d08u, 0x56033046u, 0xfc7b6babu, 0xf0cfbc20u, 0x9af4361du);
    // Adds v at word i (0 = most significant) of a 288-bit integer, carrying upwards.
    void tz_ph_add(inout uint p[9], int i, uint v) {
        for (int j = i; j >= 0 && v != 0u; j--) { uint c; p[j] = uaddCarry(p[j], v, c); v = c; }
    }
    // Bits [pos - 32, pos) of the 288-bit integer p (pos <= 288, pos >= 32).
    uint tz_ph_bits(uint p[9], int pos) {
        int lowbit = pos - 32;
        int iw = 8 - lowbit / 32;
        int sh = lowbit % 32;
        uint v = p[iw] >> uint(sh);
        if (sh > 0) v |= p[iw - 1] << uint(32 - sh);
        return v;
    }
    // Payne-Hanek: r and k mod 4 for finite |x| >= 2^19.
    double tz_reduce_large(double x, out int q) {
        uvec2 w = unpackDouble2x32(abs(x));
        int e = int((w.y >> 20) & 0x7ffu) - 1075;            // |x| = M * 2^e, M of 53 bits
        uint m1 = (w.y & 0xfffffu) | 0x100000u, m0 = w.x;
        int j0 = e >= 2 ? (e - 2) / 32 : 0;                    // earlier words give multiples of 4
        uint p[9] = uint[9](0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u);
        for (int k = 6; k >= 0; k--) {
            uint wk = TZ_TWO_OVER_PI[j0 + k];
            uint h0, l0, h1, l1;
            umulExtended(m0, wk, h0, l0);
            umulExtended(m1, wk, h1, l1);
            tz_ph_add(p, k + 2, l0); tz_ph_add(p, k + 1, h0); tz_ph_add(p, k + 1, l1); tz_ph_add(p, k, h1);
        }
        int s = 32 * (j0 + 7) - e;                             // fraction bits of p
        uint qb = (tz_ph_bits(p, s + 2) >> 30) & 3u;
        uint f0 = tz_ph_bits(p, s), f1 = tz_ph_bits(p, s - 32), f2 = tz_ph_bits(p, s - 64), f3 = tz_ph_bits(p, s - 96);
        bool neg = (f0 & 0x80000000u) != 0u;
        if (neg) {                                             // fraction >= 1/2: round k up, negate
            qb = (qb + 1u) & 3u;
            uint c3, c2, c1;
            f3 = uaddCarry(~f3, 1u, c3); f2 = uaddCarry(~f2, c3, c2); f1 = uaddCarry(~f1, c2, c1); f0 = ~f0 + c1;
        }
        int z = 0;
        for (int t = 0; t < 3 && f0 == 0u; t++) { f0 = f1; f1 = f2; f2 = f3; f3 = 0u; z += 32; }
        int qi = int(qb);
        if (x < 0.0lf) qi = (4 - qi) & 3;
        q = qi;
        if (f0 == 0u) return 0.0lf;
        int lz = 31 - findMSB(f0);
        if (lz > 0) {
            uint u = uint(lz), v = uint(32 - lz);
            f0 = (f0 << u) | (f1 >> v); f1 = (f1 << u) | (f2 >> v); f2 = (f2 << u) | (f3 >> v); f3 <<= u;
        }
        z += lz;
        // The fraction as hi + lo (53 + 75 bits), times pi/2 in double-double.
        double hi = ldexp(double(f0) * 4294967296.0lf + double(f1 & 0xfffff800u), -64 - z);
        double lo = ldexp(double(f1 & 0x7ffu) + double(f2) * 2.3283064365386963e-10lf + double(f3) * 5.421010862427522e-20lf, -64 - z);
        const double pio2Hi = 1.57079632679489655800e+00lf, pio2Lo = 6.12323399573676603587e-17lf;
        precise double ph = hi * pio2Hi;
        precise double pe = tz_mul_err(hi, pio2Hi, ph);
        double r = ph + (pe + (hi * pio2Lo + lo * pio2Hi));
        return (neg != (x < 0.0lf)) ? -r : r;
    }
    // x = k * pi/2 + r; returns r and the quadrant k mod 4 (x finite).
    double tz_reduce(double x, out int q) {
        if (abs(x) >= 8.0e5lf) return tz_reduce_large(x, q);
        double k = roundEven(x * 0.63661977236758134lf);
        precise double r = ((x - k * 1.57079632673412561417lf) - k * 6.07710050630396597660e-11lf) - k * 2.02226624871116645580e-21lf;
        q = int(k - 4.0lf * floor(k * 0.25lf));
        return r;
    }
    """
}
