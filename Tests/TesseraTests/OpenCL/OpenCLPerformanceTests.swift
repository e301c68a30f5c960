import Foundation
import Testing
@testable import Tessera
@testable import OpenCLBackend

/// Timings on the OpenCL device, printed as figures (run with `TESSERA_BENCH=1 swift test
/// --filter OpenCLPerformanceTests`): the seed polynomial at 10^7 float32 under jit, sgemm
/// 1024 in GFLOP/s, and program build time with a warm disk cache. Each also checks its
/// result, so a fast wrong answer fails.
@Suite("OpenCL performance", .enabled(if: ProcessInfo.processInfo.environment["TESSERA_BENCH"] != nil))
struct OpenCLPerformanceTests {
    static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) * 1e-15
    }

    /// The best of `repeats` timings of `body`.
    static func best(_ repeats: Int, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        return (0..<repeats).map { _ in milliseconds(clock.measure(body)) }.min()!
    }

    @Sendable static func seed(_ x: Tensor) -> Tensor { -4 * x * x * x + 9 * x * x + 6 * x - 3 }

    @Test func polynomialTenMillionUnderJit() throws {
        guard let device = TestDevices.device("opencl") else { return }
        let n = 10_000_000
        let x = Tensor((0..<n).map { Float($0 % 1000) * 0.001 }, shape: [n]).to(device)
        let fast = jit(Self.seed)
        fast(x).blockUntilReady()
        let ms = Self.best(10) { fast(x).blockUntilReady() }
        print("opencl polynomial 1e7 float32 under jit: \(String(format: "%.2f", ms)) ms (best of 10)")
        let y = fast(x).asArray(Float.self)
        let v: Float = 0.5
        #expect(y[500] == -4 * v * v * v + 9 * v * v + 6 * v - 3)
    }

    @Test(arguments: [DType.float32, .float64])
    func gemm1024(dtype: DType) throws {
        guard let device = TestDevices.device("opencl") else { return }
        let n = 1024
        let a = Tensor((0..<(n * n)).map { Float(($0 * 7) % 13) - 6 }, shape: [n, n]).asType(dtype).to(device)
        let b = Tensor((0..<(n * n)).map { Float(($0 * 5) % 11) - 5 }, shape: [n, n]).asType(dtype).to(device)
        let dn = DotDimensionNumbers(lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: [])
        let c = Lax.dotGeneral(a, b, dn)
        c.blockUntilReady()
        let ms = Self.best(5) { Lax.dotGeneral(a, b, dn).blockUntilReady() }
        print("opencl \(dtype) gemm 1024: \(String(format: "%.1f", ms)) ms, \(String(format: "%.1f", 2 * Double(n * n * n) / ms / 1e6)) GFLOP/s (best of 5)")
        // Row 3, column 5 checked on the host.
        let row = (0..<n).map { Double(((3 * n + $0) * 7) % 13) - 6 }
        let col = (0..<n).map { Double((($0 * n + 5) * 5) % 11) - 5 }
        #expect(c.doubles[3 * n + 5] == zip(row, col).reduce(0) { $0 + $1.0 * $1.1 })
    }

    @Test func buildWithWarmDiskCache() throws {
        guard let device = TestDevices.device("opencl") else { return }
        let context = OpenCLBackend.shared.contexts[device.index]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-cl-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = try MatmulKernel.source(acc: .float32, out: .float32, tiling: MatmulKernel(context: context).tiling(.float32), hasFloat64: true)
            + "\n// \(UUID().uuidString)\n"
        let clock = ContinuousClock()
        let cold = Self.milliseconds(clock.measure { _ = try? OpenCLProgramCache(directory: dir).program(source: source, name: "matmul", device: context) })
        var origin = OpenCLProgramCache.Origin.built
        let warm = Self.best(5) { origin = (try? OpenCLProgramCache(directory: dir).program(source: source, name: "matmul", device: context).1) ?? .built }
        print("opencl program build: cold \(String(format: "%.1f", cold)) ms, warm disk cache \(String(format: "%.2f", warm)) ms (best of 5)")
        #expect(origin == .disk)
    }
}
