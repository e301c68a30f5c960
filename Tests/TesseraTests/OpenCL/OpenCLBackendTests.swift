import Foundation
import Testing
@testable import Tessera
@testable import OpenCLBackend

/// The OpenCL device: discovery, errors (missing fp16, allocation over the device limit,
/// build failures), jit kernels against the reference backend, and the tiled matmul.
@Suite("OpenCL backend")
struct OpenCLBackendTests {
    @Test func discoveryReadsCapabilitiesFromTheDevice() throws {
        guard let device = TestDevices.device("opencl") else { return }
        let caps = device.capabilities
        #expect(caps.maxBufferBytes > 0)
        #expect((caps.computeUnits ?? 0) > 0)
        #expect(caps.dtypes.isSuperset(of: [.bool, .int32, .int64, .uint32, .float32]))
        #expect(caps.details["fp64"] == String(caps.dtypes.contains(.float64)))
        #expect(caps.details["fp16"] == String(caps.dtypes.contains(.float16)))
        #expect(Int(caps.details["localMemoryBytes"] ?? "") ?? 0 > 0)
        #expect(device.id == "opencl:0")
    }

    @Test func float16WithoutTheExtensionIsAClearError() throws {
        guard let device = TestDevices.device("opencl") else { return }
        guard !device.supports(.float16) else { return print("skipped: \(device) has cl_khr_fp16") }
        let bytes = [UInt8](repeating: 0, count: 4)
        #expect { try bytes.withUnsafeBytes { try device.backend.upload($0, type: ShapedType([2], .float16), to: device) } } throws: { e in
            guard let e = e as? TesseraError else { return false }
            return e.kind == .unsupported && e.message.contains("float16") && e.message.contains(device.description) && e.message.contains("cl_khr_fp16")
        }
        let x = Tensor([1, 2] as [Float], shape: [2]).to(device)
        #expect { try x.asType(.float16).bytes() } throws: { ($0 as? TesseraError)?.message.contains("float16") == true }
    }

    @Test func allocationOverTheDeviceLimitNamesTheDevice() throws {
        guard let device = TestDevices.device("opencl") else { return }
        let x = Tensor([1] as [Float], shape: [1]).to(device)
        let n = device.capabilities.maxBufferBytes / 4 + 1024
        let buffer = try #require((x.base as? DeviceArray)?.buffer)
        #expect {
            try device.backend.execute(.broadcastInDim(shape: [n], broadcastDimensions: [0]), inputs: [buffer],
                                       inputTypes: [ShapedType([1], .float32)], outputTypes: [ShapedType([n], .float32)], on: device)
        } throws: { e in
            guard let e = e as? TesseraError else { return false }
            return e.kind == .outOfMemory && e.message.contains(device.description) && e.message.contains("CL_DEVICE_MAX_MEM_ALLOC_SIZE")
        }
    }

    @Test func buildFailureCarriesLogAndSource() throws {
        guard let device = TestDevices.device("opencl") else { return }
        let context = OpenCLBackend.shared.contexts[device.index]
        let cache = OpenCLProgramCache(directory: nil)
        let source = "__kernel void broken(__global float* x) { x[0] = undefined_name; }\n"
        #expect { try cache.program(source: source, name: "broken", device: context) } throws: { e in
            guard let e = e as? TesseraError else { return false }
            return e.kind == .compilation && e.message.contains("undefined_name") && e.message.contains("build log")
                && e.message.contains(source.trimmingCharacters(in: .newlines)) && e.message.contains(device.description)
        }
    }

    @Sendable static func seed(_ x: Tensor) -> Tensor { -4 * x * x * x + 9 * x * x + 6 * x - 3 }

    @Test func jitSeedPolynomialIsOneKernelEqualToReference() throws {
        guard let device = TestDevices.device("opencl") else { return }
        let fast = jit(Self.seed)
        let values: [Float] = (0..<1000).map { Float($0) * 0.37 - 150 }
        let x = Tensor(values, shape: [1000]).to(device)
        let lowered = fast.lower(x)
        #expect(lowered.kernelCount == 1)
        #expect(lowered.executable.device === device)
        let reference = Self.seed(Tensor(values, shape: [1000]).to(TestDevices.reference)).asArray(Float.self)
        #expect(fast(x).asArray(Float.self) == reference, "mul/add are exact IEEE operations, so the fused kernel matches bit for bit")
        let xi = Tensor([0, 1, 2, 3, -5, 1000, -1291] as [Int32]).to(device)
        #expect(fast(xi).asArray(Int32.self) == Self.seed(xi.to(TestDevices.reference)).asArray(Int32.self), "int32 wraps as the reference")
    }

    @Test(arguments: [[7, 5], [3, 20000], [300, 70]])
    func jitReductionsMatchReference(shape: [Int]) throws {
        guard let device = TestDevices.device("opencl") else { return }
        let f = jit { (x: Tensor) -> Tensor in (x * x).sum(axes: [1]) + exp(x).max(axes: [1]) }
        let g = jit { (x: Tensor) -> Tensor in (x * 2).sum() }
        let values = (0..<shape.reduce(1, *)).map { Float(($0 * 7919) % 1000) / 500 - 1 }
        let x = Tensor(values, shape: shape)
        let ref = x.to(TestDevices.reference)
        expectClose(f(x.to(device)).doubles, f(ref).doubles, rtol: 2e-5, atol: 1e-5, "rows \(shape)")
        expectClose(g(x.to(device)).doubles, g(ref).doubles, rtol: 2e-5, atol: 1e-4, "total \(shape)")
    }

    @Test(arguments: [(DType.float32, [1, 130, 70, 90]), (.float64, [3, 33, 65, 17]), (.int32, [2, 9, 40, 11])])
    func tiledMatmulMatchesReference(dtype: DType, dims: [Int]) throws {
        guard let device = TestDevices.device("opencl") else { return }
        let (b, m, k, n) = (dims[0], dims[1], dims[2], dims[3])
        let a = Tensor((0..<(b * m * k)).map { Double(($0 * 31) % 17) - 8 }, shape: [b, m, k]).asType(dtype)
        let c = Tensor((0..<(b * k * n)).map { Double(($0 * 13) % 11) - 5 }, shape: [b, k, n]).asType(dtype)
        let dn = DotDimensionNumbers(lhsContracting: [2], rhsContracting: [1], lhsBatch: [0], rhsBatch: [0])
        let onDevice = Lax.dotGeneral(a.to(device), c.to(device), dn)
        let onReference = Lax.dotGeneral(a.to(TestDevices.reference), c.to(TestDevices.reference), dn)
        #expect(onDevice.shape == [b, m, n])
        #expect(onDevice.doubles == onReference.doubles, "small integers multiply exactly in every dtype")
        let transposed = Lax.dotGeneral(c.to(device), a.to(device), DotDimensionNumbers(lhsContracting: [1], rhsContracting: [2], lhsBatch: [0], rhsBatch: [0]))
        let transposedRef = Lax.dotGeneral(c.to(TestDevices.reference), a.to(TestDevices.reference), DotDimensionNumbers(lhsContracting: [1], rhsContracting: [2], lhsBatch: [0], rhsBatch: [0]))
        #expect(transposed.doubles == transposedRef.doubles)
    }

    /// The local-memory tiled kernel (the one GPUs use) for float types, forced on this device.
    @Test(arguments: [DType.float32, .float64])
    func localMemoryTiledMatmulMatchesReference(dtype: DType) throws {
        guard let device = TestDevices.device("opencl") else { return }
        let context = OpenCLBackend.shared.contexts[device.index]
        let (b, m, k, n) = (2, 70, 45, 67)
        let a = Tensor((0..<(b * m * k)).map { Double(($0 * 31) % 17) - 8 }, shape: [b, m, k]).asType(dtype)
        let c = Tensor((0..<(b * k * n)).map { Double(($0 * 13) % 11) - 5 }, shape: [b, k, n]).asType(dtype)
        let dn = DotDimensionNumbers(lhsContracting: [2], rhsContracting: [1], lhsBatch: [0], rhsBatch: [0])
        let buffers = try [a, c].map { try #require(($0.to(device).base as? DeviceArray)?.buffer as? OpenCLBuffer) }
        let out = try MatmulKernel(context: context, forceTiled: true)
            .dotGeneral(buffers[0], a.type, buffers[1], c.type, dn, outType: ShapedType([b, m, n], dtype))
        let result = Tensor(base: DeviceArray(type: ShapedType([b, m, n], dtype), device: device, buffer: out))
        #expect(result.doubles == Lax.dotGeneral(a.to(TestDevices.reference), c.to(TestDevices.reference), dn).doubles)
    }

    @Test func executionIsAsynchronousAndWaitsOnRead() throws {
        guard let device = TestDevices.device("opencl") else { return }
        let n = 100_000
        let x = Tensor((0..<n).map { Float($0) }, shape: [n]).to(device)
        // Operands placed explicitly: a broadcast Swift literal would land on the default device.
        let scale = Tensor([Float](repeating: 1.0001, count: n), shape: [n]).to(device)
        let one = Tensor([Float](repeating: 1, count: n), shape: [n]).to(device)
        var y = x
        for _ in 0..<20 { y = y * scale + one }
        y.blockUntilReady()
        let ref = (0..<n).map { i -> Float in
            var v = Float(i)
            for _ in 0..<20 { v = v * 1.0001 + 1 }
            return v
        }
        #expect(y.asArray(Float.self) == ref)
    }
}

/// Fused kernels rendered with literal shapes (jit) for many ops, broadcasts and a
/// transpose, against the same jit program on the reference backend.
@Suite("OpenCL jit kernels")
struct OpenCLJitKernelTests {
    @Test func floatProgramWithBroadcastAndTranspose() throws {
        guard let device = TestDevices.device("opencl") else { return }
        let f = jit { (x: Tensor, y: Tensor) -> Tensor in
            let t = x.T * y
            return `where`(t .> 0, exp(-abs(t)) * sin(t), sqrt(abs(t)) - floor(t)) + maximum(t, 0.25) / (1 + tanh(t))
        }
        let x = Tensor((0..<12).map { Float($0) * 0.7 - 4 } + [.nan, .infinity, -0.0], shape: [5, 3])
        let y = Tensor([1.5, -2, 0.5, 3, -0.25] as [Float], shape: [5])
        let lowered = f.lower(x.to(device), y.to(device))
        #expect(lowered.kernelCount == 1)
        expectClose(f(x.to(device), y.to(device)).doubles, f(x.to(TestDevices.reference), y.to(TestDevices.reference)).doubles,
                    rtol: 1e-6, atol: 1e-6, "fused float kernel")
    }

    @Test func integerProgramWrapsDividesAndShifts() throws {
        guard let device = TestDevices.device("opencl") else { return }
        let f = jit { (x: Tensor, y: Tensor) -> Tensor in
            (x / y) * 7 + x % y - floorDivide(x, y) + x * x * x
        }
        let x = Tensor([Int32.min, -7, -1, 0, 5, 2_000_000, Int32.max, 9] as [Int32], shape: [8])
        let y = Tensor([-1, 2, 0, 3, -2, 0, 7, -4] as [Int32], shape: [8])
        let onDevice = f(x.to(device), y.to(device)).asArray(Int32.self)
        let onReference = f(x.to(TestDevices.reference), y.to(TestDevices.reference)).asArray(Int32.self)
        #expect(onDevice == onReference)
    }
}

/// Eager reductions large enough for the work-group path (local tree, several groups per
/// output, then the second pass), for every reduce op and integer/bool/float dtype.
@Suite("OpenCL work-group reductions")
struct OpenCLReductionTests {
    @Test(arguments: [DType.int32, .uint32, .int64, .float64, .bool])
    func largeReductionsMatchReference(dtype: DType) throws {
        guard let device = TestDevices.device("opencl") else { return }
        let shape = [3, 50_000]
        var values = (0..<150_000).map { Double((($0 * 7919) % 2001) - 1000) * (dtype == .bool ? 0.0005 : 1) }
        if dtype == .float64 { values[77_777] = .nan }
        let x = Tensor(values, shape: shape).asType(dtype)
        let ops: [ReduceOp] = dtype == .bool ? [.and, .or, .max, .min] : (dtype.isInteger ? ReduceOp.allCases : [.sum, .prod, .max, .min])
        for op in ops {
            for axes in [[1], [0, 1]] {
                let onDevice = Lax.reduce(op, x.to(device), axes: axes)
                let onReference = Lax.reduce(op, x.to(TestDevices.reference), axes: axes)
                if dtype.isFloatingPoint && (op == .sum || op == .prod) {
                    expectClose(onDevice.doubles, onReference.doubles, rtol: 1e-12, atol: 1e-9, "\(op) \(dtype) \(axes)")
                } else {
                    #expect(try onDevice.bytes() == onReference.bytes(), "\(op) \(dtype) \(axes)")
                }
            }
        }
    }
}
