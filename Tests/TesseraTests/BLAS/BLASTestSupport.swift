import Testing
@testable import Tessera

/// Helpers for the BLAS backend tests: running hand-written kernels on a device and
/// comparing with the reference backend.
enum BLASTest {
    /// The first BLAS device (the backend is built in, so it always exists).
    static var device: Device { DeviceManager.shared.device(backend: "blas")! }

    /// Runs `kernel` through `device.backend.compile/run` on copies of `inputs` and returns
    /// the outputs as tensors on that device.
    static func run(_ kernel: Kernel, _ inputs: [Tensor], on device: Device) throws -> [Tensor] {
        let compiled = try device.backend.compile(kernel, on: device)
        let buffers = try inputs.map { t -> any DeviceBuffer in
            let bytes = try t.bytes()
            return try bytes.withUnsafeBytes { try device.backend.upload($0, type: t.type, to: device) }
        }
        let outs = try device.backend.run(compiled, inputs: buffers, on: device)
        return zip(outs, kernel.outputs).map { Tensor(base: DeviceArray(type: $1, device: device, buffer: $0)) }
    }

    /// Runs `kernel` on BLAS and on the reference backend and expects equal outputs
    /// (within `rtol` for float sums whose order differs).
    static func expectMatchesReference(_ kernel: Kernel, _ inputs: [Tensor], rtol: Double = 0,
                                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let blas = try run(kernel, inputs, on: device)
        let reference = try run(kernel, inputs, on: TestDevices.reference)
        for (b, r) in zip(blas, reference) {
            #expect(b.shape == r.shape, sourceLocation: sourceLocation)
            if rtol == 0 {
                let same = zip(b.doubles, r.doubles).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
                #expect(same, "\(kernel.name): blas \(Array(b.doubles.prefix(8))) vs reference \(Array(r.doubles.prefix(8)))",
                        sourceLocation: sourceLocation)
            } else {
                expectClose(b.doubles, r.doubles, rtol: rtol, atol: rtol, kernel.name, sourceLocation: sourceLocation)
            }
        }
    }

    /// `count` deterministic pseudo-random values in [-2, 2) (no NaN).
    static func values(_ count: Int, seed: UInt64 = 1) -> [Double] {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) * 4 - 2
        }
    }

    static func floats(_ count: Int, shape: [Int], seed: UInt64 = 1) -> Tensor {
        Tensor(values(count, seed: seed).map { Float($0) }, shape: shape, dtype: .float32, on: device)
    }
    static func doubles(_ count: Int, shape: [Int], seed: UInt64 = 1) -> Tensor {
        Tensor(values(count, seed: seed), shape: shape, dtype: .float64, on: device)
    }
    static func ints(_ count: Int, shape: [Int], seed: UInt64 = 1) -> Tensor {
        Tensor(values(count, seed: seed).map { Int32($0 * 50) }, shape: shape, dtype: .int32, on: device)
    }
}
