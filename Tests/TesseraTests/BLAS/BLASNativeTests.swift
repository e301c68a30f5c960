import Foundation
import Testing
@testable import BLASBackend
import KernelSource
@testable import Tessera

/// Native fused kernels of the BLAS backend: the kernel IR rendered to C, compiled by the
/// host C compiler and run over the thread pool, against the reference backend. (Every
/// kernel of `BLASKernelTests` also runs natively through `BLASTest.expectMatchesReference`.)
@Suite("BLAS: native fused kernels")
struct BLASNativeTests {
    static func contiguous(_ shape: [Int]) -> KernelIndexMap { KernelIndexMap(offset: 0, strides: contiguousStrides(shape)) }

    /// A kernel storing every instruction whose dtype is in `stored` (one output each).
    static func kernel(_ name: String, inputs: [ShapedType], shape: [Int], body: [KernelInstruction], stored: [Int]) -> Kernel {
        Kernel(name: name, inputs: inputs, outputs: stored.map { ShapedType(shape, body[$0].dtype) }, indexSpace: shape, body: body,
               stores: stored.enumerated().map { KernelStore(output: $0, value: $1) }, reduction: nil)
    }

    @Test func compilerIsFound() throws {
        let cc = try #require(CCompiler.find(), "no C compiler found: native fused kernels cannot be tested")
        #expect(!cc.version.isEmpty)
        #expect(cc.flags.contains("-ffp-contract=off"))
        #expect(!cc.flags.contains { $0.contains("fast-math") })
    }

    @Test func modeFromEnvironment() {
        #expect(NativeMode(environment: "0") == .off)
        #expect(NativeMode(environment: "off") == .off)
        #expect(NativeMode(environment: "sync") == .sync)
        #expect(NativeMode(environment: "all") == .tiered(minimumPoints: 0))
        #expect(NativeMode(environment: nil) == .tiered(minimumPoints: NativeMode.tieredMinimumPoints))
        #expect(NativeMode(environment: "1") == .tiered(minimumPoints: NativeMode.tieredMinimumPoints))
    }

    /// Integer division, remainder, shifts and powers at their edge values (MIN / -1, x / 0,
    /// shifts past the width), wrapping, in int32, uint32 and int64.
    @Test(arguments: [DType.int32, .uint32, .int64])
    func integerSemantics(dtype d: DType) throws {
        let a: [Int64] = [Int64(Int32.min), 7, -7, 5, 0, Int64(Int32.max), -1, 3, 100, -100, 2, 9]
        let b: [Int64] = [-1, 0, 2, -3, 0, -1, 31, 33, 7, -7, 40, 1]
        func tensor(_ v: [Int64]) -> Tensor {
            switch d {
            case .int64: return Tensor(v, shape: [v.count], dtype: .int64, on: BLASTest.device)
            case .uint32: return Tensor(v.map { UInt32(truncatingIfNeeded: $0) }, shape: [v.count], dtype: .uint32, on: BLASTest.device)
            default: return Tensor(v.map { Int32(truncatingIfNeeded: $0) }, shape: [v.count], dtype: .int32, on: BLASTest.device)
            }
        }
        let (x, y) = (tensor(a), tensor(b))
        var body: [KernelInstruction] = [.init(.load(input: 0, map: Self.contiguous([a.count])), d),
                                         .init(.load(input: 1, map: Self.contiguous([a.count])), d)]
        for op in [BinaryOp.div, .rem, .shiftLeft, .shiftRightLogical, .shiftRightArithmetic, .pow, .mul, .add, .sub, .max, .min, .and, .or, .xor] {
            body.append(.init(.binary(op, 0, 1), d))
        }
        for op in [UnaryOp.neg, .abs, .sign, .not] { body.append(.init(.unary(op, 0), d)) }
        body.append(.init(.convert(0), .float32))
        body.append(.init(.compare(.lt, 0, 1), .bool))
        let k = Self.kernel("ints_\(d.shortName)", inputs: [x.type, y.type], shape: [a.count], body: body, stored: Array(2..<body.count))
        try BLASTest.expectMatchesReference(k, [x, y])
    }

    /// NaN, infinities and signed zeros through arithmetic, max/min, rem, pow, rounding,
    /// comparisons, is_finite, select and saturating float -> integer conversions.
    @Test(arguments: [DType.float32, .float64])
    func floatSpecialValues(dtype d: DType) throws {
        let a: [Double] = [.nan, .infinity, -.infinity, 0, -0.0, 1.5, -2.5, 3e38, 2.5, -7.25, 1e-40, 4e9]
        let b: [Double] = [1, .nan, -.infinity, -0.0, 0, 2.5, 0.5, 10, -0.0, 3, .infinity, -3e9]
        func tensor(_ v: [Double]) -> Tensor {
            d == .float32 ? Tensor(v.map { Float($0) }, shape: [v.count], dtype: .float32, on: BLASTest.device)
                : Tensor(v, shape: [v.count], dtype: .float64, on: BLASTest.device)
        }
        let (x, y) = (tensor(a), tensor(b))
        var body: [KernelInstruction] = [.init(.load(input: 0, map: Self.contiguous([a.count])), d),
                                         .init(.load(input: 1, map: Self.contiguous([a.count])), d)]
        for op in [BinaryOp.add, .sub, .mul, .div, .max, .min, .rem, .pow, .atan2] { body.append(.init(.binary(op, 0, 1), d)) }
        for op in [UnaryOp.neg, .abs, .sign, .floor, .ceil, .round, .exp, .log, .sqrt, .rsqrt, .tanh, .logistic, .log1p, .expm1] {
            body.append(.init(.unary(op, 0), d))
        }
        body.append(.init(.unary(.isFinite, 0), .bool))
        let firstCompare = body.count
        for op in [CompareOp.eq, .ne, .lt, .le, .gt, .ge] { body.append(.init(.compare(op, 0, 1), .bool)) }
        body.append(.init(.select(which: firstCompare + 2, onFalse: 0, onTrue: 1), d))
        for t in [DType.int32, .uint32, .int64, .bool, .float16] { body.append(.init(.convert(0), t)) }
        body.append(.init(.convert(0), d == .float32 ? .float64 : .float32))
        let k = Self.kernel("floats_\(d.shortName)", inputs: [x.type, y.type], shape: [a.count], body: body, stored: Array(2..<body.count))
        try BLASTest.expectMatchesReference(k, [x, y])
    }

    /// float16 loads, arithmetic (rounded to half after every operation) and stores.
    @Test func float16() throws {
        let n = 3000
        let x = BLASTest.floats(n, shape: [n], seed: 4).asType(.float16)
        let y = BLASTest.floats(n, shape: [n], seed: 5).asType(.float16)
        let h = DType.float16
        var body: [KernelInstruction] = [.init(.load(input: 0, map: Self.contiguous([n])), h),
                                         .init(.load(input: 1, map: Self.contiguous([n])), h)]
        for op in [BinaryOp.add, .mul, .div, .max] { body.append(.init(.binary(op, 0, 1), h)) }
        body.append(.init(.unary(.exp, 2), h))
        body.append(.init(.convert(3), .float32))
        body.append(.init(.compare(.lt, 0, 1), .bool))
        let k = Self.kernel("halves", inputs: [x.type, y.type], shape: [n], body: body, stored: Array(2..<body.count))
        try BLASTest.expectMatchesReference(k, [x, y])
    }

    /// Broadcast rows and columns of a rank-3 index space whose last dimension is short
    /// (rows shorter than a vector) and a reversed middle axis.
    @Test func broadcastOverShortRows() throws {
        let shape = [33, 17, 3]
        let count = shape.reduce(1, *)
        let x = BLASTest.doubles(count, shape: shape)
        let col = BLASTest.doubles(17, shape: [17], seed: 6)
        let body: [KernelInstruction] = [
            .init(.load(input: 0, map: Self.contiguous(shape)), .float64),
            .init(.load(input: 1, map: KernelIndexMap(offset: 16, strides: [0, -1, 0])), .float64),
            .init(.binary(.mul, 0, 1), .float64),
            .init(.index(dimension: 0), .int32),
            .init(.index(dimension: 2), .int32),
            .init(.binary(.add, 3, 4), .int32),
        ]
        let k = Self.kernel("short_rows", inputs: [x.type, col.type], shape: shape, body: body, stored: [2, 5])
        try BLASTest.expectMatchesReference(k, [x, col])
    }

    /// `x * x - c` where an fma would keep the product's low bits (2^-24) and separate
    /// rounding gives 0: the native code must not contract (`-ffp-contract=off`).
    @Test func noFusedMultiplyAdd() throws {
        let n = 4096
        let x = Tensor([Float](repeating: 1 + 0x1p-12, count: n), shape: [n], dtype: .float32, on: BLASTest.device)
        let body: [KernelInstruction] = [
            .init(.load(input: 0, map: Self.contiguous([n])), .float32),
            .init(.binary(.mul, 0, 0), .float32),
            .init(.literal(ScalarLiteral(.float(1 + 0x1p-11), dtype: .float32)), .float32),
            .init(.binary(.sub, 1, 2), .float32),
        ]
        let k = Self.kernel("no_fma", inputs: [x.type], shape: [n], body: body, stored: [3])
        try BLASTest.expectMatchesReference(k, [x])
        #expect(try BLASTest.run(k, [x], on: BLASTest.nativeDevice)[0].asArray(Float.self).allSatisfy { $0 == 0 })
    }

    /// The C loop shapes: one flat loop for contiguous and uniform loads, rows of the last
    /// dimension (coordinates once per row) for strided ones, a register accumulator for
    /// a reduced last dimension.
    @Test func renderedLoops() throws {
        let flat = try HostKernelRenderer().render(BLASKernelTests.polynomial(1000, .float32)).source
        #expect(flat.contains("for (long p = tz_start; p < tz_end; p++) {"))
        #expect(!flat.contains("tz_row"))
        let shape = [40, 30]
        let rows = Kernel(name: "sum_rows", inputs: [ShapedType([30, 40], .float32)], outputs: [ShapedType([40], .float32)], indexSpace: shape,
                          body: [.init(.load(input: 0, map: KernelIndexMap(offset: 0, strides: [1, 40])), .float32)], stores: [],
                          reduction: KernelReduction(op: .sum, axes: [1], value: 0, accumulatorDType: .float32))
        let source = try HostKernelRenderer().render(rows).source
        #expect(source.contains("const long tz_row = tz_p / 30;"))
        #expect(source.contains("float tz_a = acc[(0 + 1 * i0)];"))
    }

    /// The dynamic chunking native kernels run under covers every point exactly once.
    @Test func chunksCoverEveryPointOnce() {
        let queue = BLASQueue(label: "chunks-test", threadCount: 4)
        for (total, chunk, parts) in [(0, 10, 4), (1, 10, 4), (100, 7, 4), (100_000, 1000, 3), (5000, 64, 1)] {
            let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: Swift.max(total, 1))
            counts.initialize(repeating: 0)
            defer { counts.deallocate() }
            queue.parallelChunks(total: total, chunk: chunk, parts: parts) { range in
                for i in range { counts[i] += 1 }
            }
            #expect(counts.prefix(total).allSatisfy { $0 == 1 }, "total \(total), chunk \(chunk), parts \(parts)")
        }
    }

    /// Tiered mode: the first run is interpreted while the C compiler works in the
    /// background; once it is done the same compiled kernel runs natively, with equal results.
    @Test func tieredModeSwapsNativeCodeIn() throws {
        let cache = NativeKernelCache(compiler: CCompiler.find(), directory: nil)
        let backend = BLASBackend(deviceCount: 1, native: NativeCompiler(mode: .tiered(minimumPoints: 0), cache: cache))
        let device = backend.devices[0]
        let k = BLASKernelTests.polynomial(50_000, .float32)
        let x = BLASTest.floats(50_000, shape: [50_000], seed: 12)
        let compiled = try #require(try backend.compile(k, on: device) as? FusedKernel)
        let buffer = try x.bytes().withUnsafeBytes { try backend.upload($0, type: x.type, to: device) }
        let first = try backend.run(compiled, inputs: [buffer], on: device)[0]
        #expect(compiled.waitForNative(), "the background compilation did not produce native code")
        let second = try backend.run(compiled, inputs: [buffer], on: device)[0]
        let reference = try BLASTest.run(k, [x], on: TestDevices.reference)
        let tensors = [first, second].map { Tensor(base: DeviceArray(type: k.outputs[0], device: device, buffer: $0)) }
        BLASTest.expectEqual([tensors[0]], reference, "interpreted run")
        BLASTest.expectEqual([tensors[1]], reference, "native run")
    }

    /// `TESSERA_BLAS_NATIVE=0`, or no compiler: fused kernels run interpreted (and correctly).
    @Test func offAndNoCompilerRunInterpreted() throws {
        for native in [NativeCompiler(mode: .off, cache: NativeKernelCache(compiler: CCompiler.find(), directory: nil)),
                       NativeCompiler(mode: .sync, cache: NativeKernelCache(compiler: nil, directory: nil))] {
            let backend = BLASBackend(deviceCount: 1, native: native)
            let k = BLASKernelTests.polynomial(20_000, .float64)
            let compiled = try #require(try backend.compile(k, on: backend.devices[0]) as? FusedKernel)
            #expect(!compiled.isNative)
            let x = BLASTest.doubles(20_000, shape: [20_000], seed: 13)
            BLASTest.expectEqual(try BLASTest.run(k, [x], on: backend.devices[0]), try BLASTest.run(k, [x], on: TestDevices.reference), "interpreted")
        }
    }

    /// A cached object that is truncated, overwritten with garbage or missing its checksum
    /// is rebuilt (never loaded), and the rebuilt file is valid again.
    @Test func diskCacheRebuildsDamagedObjects() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-blas-cache-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let compiler = try #require(CCompiler.find())
        // A kernel source unique to this test run, so that no earlier load is reused.
        let k = Kernel(name: "cache_probe", inputs: [ShapedType([64], .float32)], outputs: [ShapedType([64], .float32)], indexSpace: [64],
                       body: [.init(.load(input: 0, map: Self.contiguous([64])), .float32),
                              .init(.literal(ScalarLiteral(.float(Double(UInt16.random(in: 1...60000))), dtype: .float32)), .float32),
                              .init(.binary(.add, 0, 1), .float32)],
                       stores: [KernelStore(output: 0, value: 2)], reduction: nil)
        let rendered = try HostKernelRenderer().render(k)
        let first = NativeKernelCache(compiler: compiler, directory: dir)
        #expect(try first.function(source: rendered.source, entry: rendered.entry).1 == .built)
        let key = first.key(source: rendered.source)
        let object = try #require(first.objectURL(key: key))
        let sum = object.deletingPathExtension().appendingPathExtension("sum")
        #expect(NativeKernelCache.verified(object))
        #expect(try NativeKernelCache(compiler: compiler, directory: dir).function(source: rendered.source, entry: rendered.entry).1 == .disk)
        let good = try Data(contentsOf: object)
        // Damage replaces the file (a new inode): the object this process has loaded stays
        // mapped, as it would for another process using the cache.
        let damages: [(String, () throws -> Void)] = [
            ("truncated", { try good.prefix(good.count / 3).write(to: object, options: .atomic) }),
            ("garbage", { try Data((0..<good.count).map { UInt8(truncatingIfNeeded: $0 &* 31) } as [UInt8]).write(to: object, options: .atomic) }),
            ("no checksum", { try FileManager.default.removeItem(at: sum) }),
            ("empty", { try Data().write(to: object, options: .atomic) }),
        ]
        for (what, damage) in damages {
            try damage()
            #expect(!NativeKernelCache.verified(object), "\(what)")
            let (function, origin) = try NativeKernelCache(compiler: compiler, directory: dir).function(source: rendered.source, entry: rendered.entry)
            #expect(origin == .built, "\(what): the damaged object was not rebuilt")
            #expect(NativeKernelCache.verified(object), "\(what): the rebuilt object does not verify")
            var input = [Float](repeating: 1, count: 64), output = [Float](repeating: 0, count: 64)
            input.withUnsafeBytes { i in
                output.withUnsafeMutableBytes { o in
                    let ins: [UnsafeRawPointer?] = [i.baseAddress], outs: [UnsafeMutableRawPointer?] = [o.baseAddress]
                    function.entry(ins, outs, 0, 64)
                }
            }
            #expect(output.allSatisfy { $0 > 1 }, "\(what): the rebuilt kernel computed \(output.prefix(4))")
        }
    }

    /// jit of the seed polynomial on a native device: one fused kernel, compiled to C, with
    /// the values of the same float32 operations on the host.
    @Test func jitSeedPolynomialNative() {
        @Sendable func f(_ x: Tensor) -> Tensor { -4 * x * x * x + 9 * x * x + 6 * x - 3 }
        let n = 100_003
        let x = BLASTest.floats(n, shape: [n]).to(BLASTest.nativeDevice)
        let expected = x.asArray(Float.self).map { v -> Float in
            let a: Float = -4 * v * v * v
            let b: Float = 9 * v * v
            return a + b + 6 * v - 3
        }
        #expect(jit(f)(x).asArray(Float.self) == expected)
    }
}
