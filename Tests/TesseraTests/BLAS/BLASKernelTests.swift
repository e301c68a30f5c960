import Testing
@testable import Tessera

/// Every kernel-IR construct on the BLAS block programs, compared with the reference
/// backend's lowering of the same kernel. Sizes cross the block and thread boundaries.
@Suite("BLAS: fused kernels")
struct BLASKernelTests {
    static func contiguous(_ shape: [Int]) -> KernelIndexMap { KernelIndexMap(offset: 0, strides: contiguousStrides(shape)) }

    /// The seed polynomial over `n` points: loads, literals (uniform operands), mul/add/sub, a store.
    static func polynomial(_ n: Int, _ d: DType) -> Kernel {
        let body: [KernelInstruction] = [
            .init(.load(input: 0, map: contiguous([n])), d),
            .init(.literal(ScalarLiteral(.float(-4), dtype: d)), d),
            .init(.binary(.mul, 1, 0), d), .init(.binary(.mul, 2, 0), d), .init(.binary(.mul, 3, 0), d),
            .init(.literal(ScalarLiteral(.float(9), dtype: d)), d),
            .init(.binary(.mul, 5, 0), d), .init(.binary(.mul, 6, 0), d), .init(.binary(.add, 4, 7), d),
            .init(.literal(ScalarLiteral(.float(6), dtype: d)), d),
            .init(.binary(.mul, 9, 0), d), .init(.binary(.add, 8, 10), d),
            .init(.literal(ScalarLiteral(.float(3), dtype: d)), d),
            .init(.binary(.sub, 11, 12), d),
        ]
        return Kernel(name: "poly", inputs: [ShapedType([n], d)], outputs: [ShapedType([n], d)], indexSpace: [n],
                      body: body, stores: [KernelStore(output: 0, value: 13)], reduction: nil)
    }

    @Test(arguments: [1, 100, 2048, 5000, 70_001])
    func polynomialFloat32(n: Int) throws {
        try BLASTest.expectMatchesReference(Self.polynomial(n, .float32), [BLASTest.floats(n, shape: [n])])
    }

    @Test(arguments: [3, 70_001])
    func polynomialFloat64AndInt32(n: Int) throws {
        try BLASTest.expectMatchesReference(Self.polynomial(n, .float64), [BLASTest.doubles(n, shape: [n])])
        try BLASTest.expectMatchesReference(Self.polynomial(n, .int32), [BLASTest.ints(n, shape: [n])])
    }

    @Test func emptyIndexSpace() throws {
        try BLASTest.expectMatchesReference(Self.polynomial(0, .float32), [BLASTest.floats(0, shape: [0])])
    }

    /// Broadcast (stride 0), transposed (permuted strides), reversed (negative stride, offset)
    /// and scalar-broadcast loads, every binary float op with vector operands, two outputs,
    /// a value stored twice and a load stored directly.
    @Test(arguments: [DType.float32, .float64])
    func stridedLoadsAndStores(dtype d: DType) throws {
        let (m, n) = (37, 300)
        let a = d == .float32 ? BLASTest.floats(m * n, shape: [n, m]) : BLASTest.doubles(m * n, shape: [n, m])
        let row = d == .float32 ? BLASTest.floats(n, shape: [n], seed: 2) : BLASTest.doubles(n, shape: [n], seed: 2)
        let scalar = d == .float32 ? BLASTest.floats(1, shape: [], seed: 3) : BLASTest.doubles(1, shape: [], seed: 3)
        var body: [KernelInstruction] = [
            .init(.load(input: 0, map: KernelIndexMap(offset: 0, strides: [1, m])), d),          // %0 a transposed: [m, n]
            .init(.load(input: 1, map: KernelIndexMap(offset: 0, strides: [0, 1])), d),          // %1 row broadcast over m
            .init(.load(input: 1, map: KernelIndexMap(offset: n - 1, strides: [0, -1])), d),     // %2 row reversed
            .init(.load(input: 2, map: KernelIndexMap(offset: 0, strides: [0, 0])), d),          // %3 scalar broadcast
        ]
        for op in [BinaryOp.add, .sub, .mul, .div, .max, .min] {
            body.append(.init(.binary(op, 0, 1), d))
        }
        body.append(.init(.binary(.add, 4, 2), d))      // %10
        body.append(.init(.binary(.mul, 10, 3), d))     // %11 vector * broadcast scalar
        body.append(.init(.binary(.sub, 3, 9), d))      // %12 broadcast scalar - vector
        for op in [UnaryOp.neg, .abs, .sqrt, .exp, .tanh] { body.append(.init(.unary(op, 12), d)) }   // %13..%17
        body.append(.init(.binary(.pow, 17, 5), d))     // %18 fallback binary
        let stored = [11, 12, 13, 14, 15, 16, 17, 18, 5, 6, 7, 8, 0, 3, 11]
        let k = Kernel(name: "strided", inputs: [a.type, row.type, scalar.type],
                       outputs: stored.map { _ in ShapedType([m, n], d) }, indexSpace: [m, n], body: body,
                       stores: stored.enumerated().map { KernelStore(output: $0, value: $1) }, reduction: nil)
        try BLASTest.expectMatchesReference(k, [a, row, scalar])
    }

    /// index, compare (float and int), select, convert and bitcast.
    @Test func indexCompareSelectConvertBitcast() throws {
        let shape = [5, 7, 300]
        let count = shape.reduce(1, *)
        let x = BLASTest.floats(count, shape: shape)
        let body: [KernelInstruction] = [
            .init(.load(input: 0, map: Self.contiguous(shape)), .float32),     // %0
            .init(.index(dimension: 2), .int32),                                // %1
            .init(.index(dimension: 1), .int32),                                // %2
            .init(.compare(.lt, 1, 2), .bool),                                  // %3 int compare
            .init(.literal(ScalarLiteral(.float(0.25), dtype: .float32)), .float32),
            .init(.compare(.ge, 0, 4), .bool),                                  // %5 float compare (uniform operand)
            .init(.convert(1), .float32),                                       // %6
            .init(.select(which: 5, onFalse: 0, onTrue: 6), .float32),          // %7
            .init(.bitcast(7), .uint32),                                        // %8
            .init(.convert(0), .float64),                                       // %9
            .init(.select(which: 3, onFalse: 2, onTrue: 1), .int32),            // %10
            .init(.unary(.not, 5), .bool),                                      // %11
        ]
        let outs: [(Int, DType)] = [(3, .bool), (5, .bool), (7, .float32), (8, .uint32), (9, .float64), (10, .int32), (11, .bool)]
        let k = Kernel(name: "mixed", inputs: [x.type], outputs: outs.map { ShapedType(shape, $0.1) }, indexSpace: shape,
                       body: body, stores: outs.enumerated().map { KernelStore(output: $0, value: $1.0) }, reduction: nil)
        try BLASTest.expectMatchesReference(k, [x])
    }

    /// Reductions over trailing, leading, middle and all axes, every op, float and int.
    @Test(arguments: [[2], [0], [1], [0, 1, 2], [0, 2]])
    func reductions(axes: [Int]) throws {
        let shape = [6, 50, 700]
        let count = shape.reduce(1, *)
        let outShape = shape.indices.filter { !axes.contains($0) }.map { shape[$0] }
        for (d, input) in [(DType.float32, BLASTest.floats(count, shape: shape)), (.int32, BLASTest.ints(count, shape: shape)),
                           (.float64, BLASTest.doubles(count, shape: shape))] {
            for op in [ReduceOp.sum, .max, .min, .prod] {
                let body: [KernelInstruction] = [
                    .init(.load(input: 0, map: Self.contiguous(shape)), d),
                    .init(.literal(ScalarLiteral(.float(op == .prod ? 0.001 : 2), dtype: d)), d),
                    .init(.binary(op == .prod ? .add : .mul, 0, 1), d),
                ]
                let k = Kernel(name: "reduce_\(op.rawValue)_\(d.shortName)", inputs: [input.type], outputs: [ShapedType(outShape, d)],
                               indexSpace: shape, body: body, stores: [],
                               reduction: KernelReduction(op: op, axes: axes, value: 2, accumulatorDType: d))
                // Float sums and products are reassociated (SIMD lanes, per-thread partials).
                let tolerance = (d == .int32 || op == .max || op == .min) ? 0 : (d == .float32 ? 2e-3 : 1e-9)
                try BLASTest.expectMatchesReference(k, [input], rtol: tolerance)
            }
        }
    }

    @Test func boolReductionAndEmptyReduction() throws {
        let shape = [40, 900]
        let x = BLASTest.floats(36_000, shape: shape)
        let body: [KernelInstruction] = [
            .init(.load(input: 0, map: Self.contiguous(shape)), .float32),
            .init(.literal(ScalarLiteral(.float(1.9), dtype: .float32)), .float32),
            .init(.compare(.gt, 0, 1), .bool),
        ]
        for op in [ReduceOp.or, .and] {
            let k = Kernel(name: "any", inputs: [x.type], outputs: [ShapedType([40], .bool)], indexSpace: shape, body: body, stores: [],
                           reduction: KernelReduction(op: op, axes: [1], value: 2, accumulatorDType: .bool))
            try BLASTest.expectMatchesReference(k, [x])
        }
        let empty = BLASTest.floats(0, shape: [3, 0])
        let k = Kernel(name: "empty_sum", inputs: [empty.type], outputs: [ShapedType([3], .float32)], indexSpace: [3, 0],
                       body: [.init(.load(input: 0, map: Self.contiguous([3, 0])), .float32)], stores: [],
                       reduction: KernelReduction(op: .sum, axes: [1], value: 0, accumulatorDType: .float32))
        let out = try BLASTest.run(k, [empty], on: BLASTest.device)
        #expect(out[0].asArray(Float.self) == [0, 0, 0])
    }

    /// jit of the seed polynomial on the BLAS device matches the eager reference result.
    @Test func jitSeedOnBLAS() {
        @Sendable func f(_ x: Tensor) -> Tensor { -4 * x * x * x + 9 * x * x + 6 * x - 3 }
        let fast = jit(f)
        let n = 100_003
        let x = BLASTest.floats(n, shape: [n])
        // The same operations in the same order on the host (float32 arithmetic is exact-reproducible).
        let expected = x.asArray(Float.self).map { v -> Float in
            let a: Float = -4 * v * v * v
            let b: Float = 9 * v * v
            return a + b + 6 * v - 3
        }
        #expect(fast(x).asArray(Float.self) == expected)
        #expect(fast.lower(x).kernelCount == 1)
    }
}
