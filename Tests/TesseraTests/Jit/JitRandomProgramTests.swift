import Testing
@testable import Tessera

/// Random programs of element-wise, index-map (transpose, reshape, broadcast, slice, rev,
/// iota) and reduction primitives: jit must equal eager bit for bit. Exercises the index
/// maps the fusion pass composes and the boundaries it inserts.
@Suite("Jit: random fused programs")
struct JitRandomProgramTests {
    /// A small deterministic generator (SplitMix64).
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// One random transformation of `x` (or a combination with a pool member of its shape).
    static func step(_ x: Tensor, _ pool: [Tensor], _ g: inout Generator) -> Tensor {
        let shape = x.shape
        switch g.int(10) {
        case 0:
            // A rotation of the axes (not an involution, so the map's direction matters).
            return x.rank < 2 ? -x : Lax.transpose(x, Array(1..<x.rank) + [0])
        case 1:
            // Reshape: merge two adjacent axes or split one into factors.
            if x.rank >= 2 && g.int(2) == 0 {
                let a = g.int(x.rank - 1)
                var s = shape
                s[a] *= s[a + 1]
                s.remove(at: a + 1)
                return Lax.reshape(x, s)
            }
            let total = x.count
            let candidates = [2, 3, 4, 5].filter { total % $0 == 0 && total / $0 > 1 }
            guard let f = candidates.first else { return Lax.reshape(x, [total]) }
            return Lax.reshape(x, g.int(2) == 0 ? [f, total / f] : [total / f, f])
        case 2:
            guard x.count * 3 <= 400 else { return sin(x) }
            let at = g.int(x.rank + 1)
            var s = shape
            s.insert(2 + g.int(2), at: at)
            let dims = (0..<x.rank).map { $0 < at ? $0 : $0 + 1 }
            return Lax.broadcastInDim(x, shape: s, dims: dims)
        case 3:
            guard let axis = shape.indices.filter({ shape[$0] > 2 }).first else { return x * 1.5 }
            return Lax.sliceInDim(x, axis: axis, start: 1, limit: shape[axis], stride: 1 + g.int(2))
        case 4:
            return x.rank == 0 ? x + 1 : Lax.rev(x, axes: [g.int(x.rank)])
        case 5:
            guard x.rank >= 1, x.count > 1 else { return cos(x) }
            let axis = g.int(x.rank)
            return g.int(2) == 0 ? x.sum(axes: [axis]) : x.max(axes: [axis])
        case 6:
            return tanh(x * 0.5) + exp(x * 0.1)
        case 7:
            if let other = pool.last(where: { $0.shape == shape && $0.base !== x.base }) { return x * other - 0.25 }
            return x * x
        case 8:
            guard x.rank >= 1 else { return abs(x) }
            return x + Lax.iota(.float32, shape: shape, dimension: g.int(x.rank))
        default:
            return `where`(x .> 0, x, x * 0.1)
        }
    }

    @Test(arguments: 0..<40) func randomProgram(_ seed: Int) {
        var g = Generator(state: UInt64(seed) &* 7919 &+ 1)
        let shapes: [[Int]] = [[2, 3, 4], [6, 5], [24], [3, 1, 4], [4, 6]]
        let shape = shapes[g.int(shapes.count)]
        let count = shape.reduce(1, *)
        let input = Tensor((0..<count).map { Float(($0 * 29 + seed * 7) % 23) * 0.25 - 2.5 }, shape: shape)
        let choices = (0..<8).map { _ in g.next() }
        expectJitMatchesEager("random program \(seed)", [input]) { args in
            var gen = Generator(state: choices[0])
            var pool = [args[0]]
            for _ in 0..<(4 + Int(choices[1] % 5)) { pool.append(JitRandomProgramTests.step(pool[pool.count - 1 - gen.int(Swift.min(2, pool.count))], pool, &gen)) }
            return Array(pool.suffix(2))
        }
    }
}
