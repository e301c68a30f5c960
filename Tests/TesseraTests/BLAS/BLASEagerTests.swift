import Testing
@testable import Tessera

/// Eager primitives on the BLAS device against the reference device, small (run inline
/// on the caller's thread) and large (queued, split across threads).
@Suite("BLAS: eager primitives")
struct BLASEagerTests {
    /// Runs `op` on tensors built on each device and compares the results.
    static func check(_ name: String, rtol: Double = 0, _ inputs: [Tensor], _ op: ([Tensor]) -> Tensor,
                      sourceLocation: SourceLocation = #_sourceLocation) {
        let blas = op(inputs.map { $0.to(BLASTest.device) })
        let reference = op(inputs.map { $0.to(TestDevices.reference) })
        #expect((blas.base as? DeviceArray)?.device === BLASTest.device, "\(name) did not run on blas", sourceLocation: sourceLocation)
        #expect(blas.shape == reference.shape && blas.dtype == reference.dtype, "\(name)", sourceLocation: sourceLocation)
        if rtol == 0 {
            let same = zip(blas.doubles, reference.doubles).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
            #expect(same, "\(name): blas \(Array(blas.doubles.prefix(6))) vs reference \(Array(reference.doubles.prefix(6)))",
                    sourceLocation: sourceLocation)
        } else {
            expectClose(blas.doubles, reference.doubles, rtol: rtol, atol: rtol, name, sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [100, 100_000])
    func elementwise(n: Int) {
        let a = BLASTest.floats(n, shape: [n], seed: 4), b = BLASTest.floats(n, shape: [n], seed: 5)
        for op in [BinaryOp.add, .sub, .mul, .div, .max, .min, .pow, .atan2] {
            Self.check("\(op) f32", [a, b]) { Lax.binary(op, $0[0], $0[1]) }
        }
        let ad = BLASTest.doubles(n, shape: [n], seed: 4), bd = BLASTest.doubles(n, shape: [n], seed: 5)
        for op in [BinaryOp.add, .mul, .div, .max] {
            Self.check("\(op) f64", [ad, bd]) { Lax.binary(op, $0[0], $0[1]) }
        }
        let ai = BLASTest.ints(n, shape: [n], seed: 4), bi = BLASTest.ints(n, shape: [n], seed: 5)
        for op in [BinaryOp.add, .mul, .div, .rem, .max] {
            Self.check("\(op) i32", [ai, bi]) { Lax.binary(op, $0[0], $0[1]) }
        }
        for op in [UnaryOp.neg, .exp, .log, .sqrt, .tanh, .abs, .floor, .isFinite] {
            Self.check("\(op) f32", [a]) { Lax.unary(op, $0[0]) }
        }
        Self.check("compare", [a, b]) { Lax.compare(.lt, $0[0], $0[1]) }
        Self.check("select", [a, b]) { Lax.select(Lax.compare(.gt, $0[0], $0[1]), onTrue: $0[0], onFalse: $0[1]) }
        Self.check("convert f32->f16->i32", [a]) { Lax.convert(Lax.convert($0[0], to: .float16), to: .int32) }
    }

    @Test(arguments: [[4, 6, 5], [40, 60, 50]])
    func movementAndReductions(shape: [Int]) {
        let count = shape.reduce(1, *)
        let x = BLASTest.floats(count, shape: shape, seed: 6)
        let xi = BLASTest.ints(count, shape: shape, seed: 6)
        for perm in [[2, 0, 1], [1, 0, 2], [2, 1, 0]] {
            Self.check("transpose \(perm)", [x]) { Lax.transpose($0[0], perm) }
        }
        Self.check("broadcast", [Lax.reduce(.sum, x, axes: [0])]) { Lax.broadcastInDim($0[0], shape: [3] + Array(shape.dropFirst()), dims: [1, 2]) }
        Self.check("broadcast size-1", [Lax.reshape(x, [shape[0], 1, shape[1] * shape[2]])]) {
            Lax.broadcastInDim($0[0], shape: [shape[0], 4, shape[1] * shape[2]], dims: [0, 1, 2])
        }
        for axes in [[0], [1], [2], [0, 2], [0, 1, 2]] {
            Self.check("sum \(axes)", rtol: 1e-4, [x]) { Lax.reduce(.sum, $0[0], axes: axes) }
            Self.check("max \(axes)", [x]) { Lax.reduce(.max, $0[0], axes: axes) }
            Self.check("sum i32 \(axes)", [xi]) { Lax.reduce(.sum, $0[0], axes: axes) }
        }
        Self.check("argmax", [x]) { Lax.argReduce(.argmax, $0[0], axis: 1) }
        Self.check("cumsum", rtol: 1e-5, [x]) { Lax.cumulative(.cumsum, $0[0], axis: 2) }
        Self.check("slice", [x]) { Lax.slice($0[0], start: [1, 0, 1], limit: shape, strides: [1, 2, 2]) }
        Self.check("rev", [x]) { Lax.rev($0[0], axes: [1]) }
        Self.check("concatenate", [x, x]) { Lax.concatenate($0, axis: 1) }
        Self.check("sort", [x]) { Lax.sort([$0[0]], dimension: 2)[0] }
        Self.check("iota+reshape", [x]) { _ in Lax.reshape(Lax.iota(.int32, shape: shape, dimension: 1), [count]) }
    }

    @Test func failedOperationSurfacesOnRead() {
        let a = BLASTest.floats(10, shape: [10])
        let bad = Lax.dotGeneral(Lax.convert(a, to: .bool), Lax.convert(a, to: .bool),
                                 DotDimensionNumbers(lhsContracting: [0], rhsContracting: [0]))
        #expect(bad.base is FailedArray)
    }
}
