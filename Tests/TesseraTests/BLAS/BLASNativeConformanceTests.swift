import Testing
@testable import BLASBackend
@testable import Tessera
@testable import TesseraConformance

/// The conformance suite's jit parts on a BLAS device whose fused kernels are compiled to
/// C before their first run (`BLASTest.nativeDevice`, `TESSERA_BLAS_NATIVE=sync`): every
/// JAX case under `jit` (NaN/Inf, integer division, float16, empty and scalar tensors) and
/// the derived transposed, broadcast and large operands, so the native code path is the
/// one checked (the shared BLAS device runs small kernels on the block program).
/// Runs with `swift test --filter Conformance`; `TESSERA_CONFORMANCE_FILTER` applies.
@Suite("BLAS native conformance")
struct BLASNativeConformanceTests {
    @Test("every primitive for every dtype matches jax.lax under jit with native kernels")
    func everyCaseJitNative() throws {
        let device = BLASTest.nativeDevice
        let results = ConformanceRunner.run(ConformanceTests.cases, on: device, modes: [.jit])
        #expect(results.count >= ConformanceTests.cases.count)
        ConformanceTests.record(results, backend: "blas", part: "jit (native kernels)")
    }

    @Test("transposed, broadcast and large operands match the reference backend with native kernels")
    func edgeCasesNative() throws {
        let results = EdgeCaseChecks.run(ConformanceTests.cases, on: BLASTest.nativeDevice, modes: [.jit])
        if ConformanceTests.filter == nil { #expect(results.count > 250, "too few derived edge cases: \(results.count)") }
        ConformanceTests.record(results, backend: "blas", part: "edge cases (native kernels)")
    }
}
