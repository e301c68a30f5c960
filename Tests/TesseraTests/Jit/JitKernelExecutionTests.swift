import Testing
@testable import Tessera

/// Kernel execution details: index spaces larger than one chunk, and backends that do not
/// compile kernels (the per-primitive fallback).
@Suite("Jit: kernel execution")
struct JitKernelExecutionTests {
    static func matrix(_ rows: Int, _ cols: Int) -> Tensor {
        Tensor((0..<(rows * cols)).map { Float(($0 * 37) % 101) * 0.125 - 3 }, shape: [rows, cols])
    }

    @Test func indexSpacesLargerThanOneChunk() {
        let a = JitKernelExecutionTests.matrix(70, 100), b = JitKernelExecutionTests.matrix(100, 70)
        expectJitMatchesEager("strided elementwise", [a, b], maxKernels: 1) { t in [t[0] * 2 + t[1].T - Lax.rev(t[0], axes: [1])] }
        expectJitMatchesEager("reduce outer axis", [a], maxKernels: 1) { t in [(t[0] * t[0]).sum(axes: [0])] }
        expectJitMatchesEager("reduce inner axis", [a], maxKernels: 1) { t in [exp(t[0] * 0.01).max(axes: [1])] }
        expectJitMatchesEager("reduce all", [a], maxKernels: 1) { t in [(t[0] + 1).sum()] }
        expectJitMatchesEager("broadcast rows and columns", [a], maxKernels: 3) { t in
            [t[0] - t[0].mean(axes: [0], keepDims: true) + t[0].min(axes: [1], keepDims: true)]
        }
    }

    /// A backend that stores buffers like the reference backend but does not compile kernels.
    final class NoKernelBackend: Backend, @unchecked Sendable {
        let name = "nokernels"
        let availability = BackendAvailability.available
        private(set) var devices: [Device] = []
        let inner = TestDevices.reference.backend
        let innerDevice = TestDevices.reference
        init() {
            devices = [Device(backend: self, index: 0, name: "reference without kernels", kind: .cpu,
                              capabilities: innerDevice.capabilities)]
        }
        func upload(_ bytes: UnsafeRawBufferPointer, type: ShapedType, to device: Device) throws -> any DeviceBuffer {
            try inner.upload(bytes, type: type, to: innerDevice)
        }
        func download(_ buffer: any DeviceBuffer, type: ShapedType, into destination: UnsafeMutableRawBufferPointer) throws {
            try inner.download(buffer, type: type, into: destination)
        }
        func waitUntilReady(_ buffer: any DeviceBuffer) throws { try inner.waitUntilReady(buffer) }
        func execute(_ primitive: Primitive, inputs: [any DeviceBuffer], inputTypes: [ShapedType],
                     outputTypes: [ShapedType], on device: Device) throws -> [any DeviceBuffer] {
            try inner.execute(primitive, inputs: inputs, inputTypes: inputTypes, outputTypes: outputTypes, on: innerDevice)
        }
        func synchronize(_ device: Device) throws { try inner.synchronize(innerDevice) }
    }

    @Test func backendsWithoutKernelsRunFusedStepsPerPrimitive() {
        let backend = NoKernelBackend()
        let device = backend.devices[0]
        let x = Tensor([0.5, -1, 2, 3] as [Float]).to(device)
        @Sendable func f(_ x: Tensor) -> Tensor { (-4 * x * x * x + 9 * x * x + 6 * x - 3).sum() }
        let fast = jit(f)
        let y = fast(x)
        #expect(y.device === device)
        #expect(y.item(Float.self) == f(Tensor([0.5, -1, 2, 3] as [Float])).item(Float.self))
        let lowered = fast.lower(x)
        #expect(lowered.kernelCount == 1)
        #expect(lowered.description.contains("(run per primitive)"))
    }
}

@Suite("Jit: kernel verifier")
struct KernelVerifierTests {
    static let f32 = DType.float32

    @Test func acceptsAValidKernel() {
        let k = Kernel(name: "ok", inputs: [ShapedType([2, 3], .float32)], outputs: [ShapedType([3, 2], .float32)],
                       indexSpace: [3, 2],
                       body: [KernelInstruction(.load(input: 0, map: KernelIndexMap(offset: 0, strides: [1, 3])), .float32),
                              KernelInstruction(.unary(.exp, 0), .float32)],
                       stores: [KernelStore(output: 0, value: 1)], reduction: nil)
        #expect(k.verify().isEmpty)
    }

    @Test func reportsOutOfBoundsLoadsAndBadOperands() {
        let k = Kernel(name: "bad", inputs: [ShapedType([4], .float32)], outputs: [ShapedType([4], .int32)],
                       indexSpace: [4],
                       body: [KernelInstruction(.load(input: 0, map: KernelIndexMap(offset: 1, strides: [1])), .float32),
                              KernelInstruction(.binary(.add, 0, 2), .float32),
                              KernelInstruction(.accumulator, .float32)],
                       stores: [KernelStore(output: 0, value: 0)], reduction: nil)
        let problems = k.verify().joined(separator: "\n")
        #expect(problems.contains("reads elements 1...4 of in0 (4 elements)"))
        #expect(problems.contains("%1 reads 2, which is not an earlier value"))
        #expect(problems.contains("accumulator outside an epilogue"))
        #expect(problems.contains("out0 is int32 but gets a float32 value"))
    }

    @Test func reductionStoresNeedAnEpilogue() {
        let k = Kernel(name: "sum", inputs: [ShapedType([2, 3], .float32)], outputs: [ShapedType([2], .float32)],
                       indexSpace: [2, 3],
                       body: [KernelInstruction(.load(input: 0, map: KernelIndexMap(offset: 0, strides: [3, 1])), .float32)],
                       stores: [KernelStore(output: 0, value: 0)],
                       reduction: KernelReduction(op: .sum, axes: [1], value: 0, accumulatorDType: .float32))
        #expect(k.verify().contains("a plain reduction (no epilogue) has one output and no stores"))
        var plain = k
        plain.stores = []
        #expect(plain.verify().isEmpty)
        var withEpilogue = k
        withEpilogue.epilogue = [KernelInstruction(.accumulator, .float32)]
        #expect(withEpilogue.verify().isEmpty)
    }
}

@Suite("Jit: epilogue fusion is opt-in")
struct EpilogueOptInTests {
    @Test func backendsWithoutEpilogueRenderingGetPlainReductions() {
        let x = Tensor((0..<12).map { Float($0) }, shape: [3, 4])
        let device = JitKernelExecutionTests.NoKernelBackend().devices[0]
        let f = jit { (x: Tensor) in x.mean(axes: [1]) }
        let plain = f.lower(x.to(device))
        #expect(plain.kernelCount == 2)
        for k in plain.kernels where k.reduction != nil {
            #expect(k.epilogue.isEmpty && k.stores.isEmpty && k.outputs.count == 1)
        }
        #expect(f(x.to(device)).asArray(Float.self) == [1.5, 5.5, 9.5])
        #expect(f.lower(x.to(TestDevices.reference)).kernelCount == 1)
    }
}
