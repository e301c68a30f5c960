import Foundation
import Testing
@testable import BLASBackend
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
    /// (within `rtol` for float sums whose order differs). BLAS runs twice: on the shared
    /// device (block program) and on `nativeDevice`, where every kernel must run
    /// as compiled C.
    static func expectMatchesReference(_ kernel: Kernel, _ inputs: [Tensor], rtol: Double = 0,
                                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let reference = try run(kernel, inputs, on: TestDevices.reference)
        for target in [device, nativeDevice] {
            if target === nativeDevice {
                let compiled = try target.backend.compile(kernel, on: target)
                #expect((compiled as? FusedKernel)?.isNative == true, "\(kernel.name) did not compile to native code", sourceLocation: sourceLocation)
            }
            let blas = try run(kernel, inputs, on: target)
            expectEqual(blas, reference, kernel.name + " on " + target.id, rtol: rtol, sourceLocation: sourceLocation)
        }
    }

    /// Expects `actual` to equal `expected` (NaN equals NaN), or to be within `rtol`.
    static func expectEqual(_ actual: [Tensor], _ expected: [Tensor], _ name: String, rtol: Double = 0,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        for (b, r) in zip(actual, expected) {
            #expect(b.shape == r.shape, sourceLocation: sourceLocation)
            if rtol == 0 {
                let same = zip(b.doubles, r.doubles).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
                #expect(same, "\(name): blas \(Array(b.doubles.prefix(8))) vs reference \(Array(r.doubles.prefix(8)))",
                        sourceLocation: sourceLocation)
            } else {
                expectClose(b.doubles, r.doubles, rtol: rtol, atol: rtol, name, sourceLocation: sourceLocation)
            }
        }
    }

    /// The disk cache of the native test backend (kept between runs: kernels compiled by
    /// an earlier run load from it).
    static let nativeCacheDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-tests-blas-native")

    /// A BLAS backend of its own whose fused kernels compile to C before their first run
    /// (`TESSERA_BLAS_NATIVE=sync`).
    static let nativeBackend = BLASBackend(deviceCount: 1, native: NativeCompiler(
        mode: .sync, cache: NativeKernelCache(compiler: CCompiler.find(), directory: nativeCacheDirectory)))

    /// The device of `nativeBackend`.
    static var nativeDevice: Device { nativeBackend.devices[0] }

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
