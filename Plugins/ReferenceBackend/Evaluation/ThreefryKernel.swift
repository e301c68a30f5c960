/// The Threefry-2x32 block cipher with 20 rounds, as JAX's `threefry2x32` primitive:
/// `(y0, y1) = threefry(key = (k0, k1), counter = (x0, x1))`, elementwise over uint32 arrays.
enum ThreefryKernel {
    static let rotations: [[UInt32]] = [[13, 15, 26, 6], [17, 29, 16, 24]]

    /// One block: encrypts the counter pair `(x0, x1)` with the key `(k0, k1)`.
    static func block(_ k0: UInt32, _ k1: UInt32, _ x0: UInt32, _ x1: UInt32) -> (UInt32, UInt32) {
        let ks: [UInt32] = [k0, k1, k0 ^ k1 ^ 0x1BD1_1BDA]
        var a = x0 &+ ks[0], b = x1 &+ ks[1]
        for group in 0..<5 {
            for r in rotations[group % 2] {
                a = a &+ b
                b = (b << r) | (b >> (32 - r))
                b ^= a
            }
            // Key injection after every four rounds.
            let s = group + 1
            a = a &+ ks[s % 3]
            b = b &+ ks[(s + 1) % 3] &+ UInt32(s)
        }
        return (a, b)
    }

    static func run(_ k0: UnsafeRawBufferPointer, _ k1: UnsafeRawBufferPointer, _ x0: UnsafeRawBufferPointer,
                    _ x1: UnsafeRawBufferPointer, _ y0: UnsafeMutableRawBufferPointer, _ y1: UnsafeMutableRawBufferPointer) {
        let k0 = k0.bindMemory(to: UInt32.self), k1 = k1.bindMemory(to: UInt32.self)
        let x0 = x0.bindMemory(to: UInt32.self), x1 = x1.bindMemory(to: UInt32.self)
        let y0 = y0.bindMemory(to: UInt32.self), y1 = y1.bindMemory(to: UInt32.self)
        for i in 0..<y0.count {
            (y0[i], y1[i]) = block(k0[i], k1[i], x0[i], x1[i])
        }
    }
}
