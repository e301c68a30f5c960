import Testing
@testable import TesseraConformance
@testable import Tessera

/// Documented, device-specific deviations from JAX that the conformance suite reports as
/// known issues (visible in the output as "known issue", not silently passed), each with
/// the reason. Anything not listed here must match within `ConformanceTolerance`.
enum ConformanceDeviations {
    /// Why `c` may deviate on `backend`, or nil. There are none at present: Vulkan's
    /// trigonometry now reduces its arguments (Cody-Waite, then Payne-Hanek), and its float64
    /// software functions (exp, log, pow, erf, erf_inv, ...) meet the float64 tolerances.
    /// A new entry needs a reason a user can act on.
    static func reason(backend: String, _ c: ConformanceCase) -> String? {
        nil
    }

}
