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
