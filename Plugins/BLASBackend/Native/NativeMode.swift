import Foundation

/// When fused kernels get native code (`TESSERA_BLAS_NATIVE`).
///
/// | value | mode |
/// |---|---|
/// | unset, `1`, `on`, `tiered` | `.tiered`: kernels of at least `tieredMinimumPoints` points run interpreted at once while C compiles in the background; the native code is swapped in when ready |
/// | `all` | `.tiered` for every kernel, however small |
/// | `sync` | `.sync`: every kernel is compiled before its first run (tests, benchmarks) |
/// | `0`, `off`, `false`, `no` | `.off`: fused kernels always run interpreted |
///
/// ```swift
/// NativeMode(environment: "sync")   // .sync
/// ```
package enum NativeMode: Sendable, Equatable {
    case off
    case tiered(minimumPoints: Int)
    case sync

    /// Kernels smaller than this stay interpreted in the default tiered mode: the block
    /// interpreter runs them in microseconds, and a compile costs tens of milliseconds of CPU.
    package static let tieredMinimumPoints = 1 << 14

    /// The mode a `TESSERA_BLAS_NATIVE` value selects (see the type's documentation).
    package init(environment value: String?) {
        switch value?.trimmingCharacters(in: .whitespaces).lowercased() {
        case "0", "off", "false", "no": self = .off
        case "sync": self = .sync
        case "all": self = .tiered(minimumPoints: 0)
        default: self = .tiered(minimumPoints: NativeMode.tieredMinimumPoints)
        }
    }
}
