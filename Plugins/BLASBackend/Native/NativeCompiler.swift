import Foundation
import KernelSource
import TesseraCore

/// Gives fused kernels native code: renders the kernel IR to C (`HostKernelRenderer`),
/// compiles it with the host C compiler (`CCompiler`) through the memory and disk cache
/// (`NativeKernelCache`), and swaps the function into the `FusedKernel`.
///
/// Tiered by default (`NativeMode`): a kernel runs on the block interpreter from its first
/// call while one background thread compiles, so a jit's trace and compile stay cheap.
/// Without a compiler fused kernels run interpreted (logged once at info); kernels the C
/// renderer does not handle (reductions with epilogues or a wider accumulator) stay
/// interpreted too. `TESSERA_LOG=info` logs
/// each compile and swap, `debug` adds the C source.
package final class NativeCompiler: @unchecked Sendable {
    /// When kernels get native code.
    package let mode: NativeMode
    /// Compiled kernels in memory and on disk.
    package let cache: NativeKernelCache
    private let background = DispatchQueue(label: "tessera.blas.native", qos: .utility)
    private let lock = NSLock()
    private var reportedMissingCompiler = false

    /// A compiler in `mode` using `cache`.
    package init(mode: NativeMode, cache: NativeKernelCache) {
        self.mode = mode
        self.cache = cache
    }

    /// The compiler of the process environment: `TESSERA_BLAS_NATIVE`, `TESSERA_CC`,
    /// `TESSERA_CACHE_DIR` (the compiler is only looked for when the mode is not off).
    package static func fromEnvironment() -> NativeCompiler {
        let env = ProcessInfo.processInfo.environment
        let mode = NativeMode(environment: env["TESSERA_BLAS_NATIVE"])
        let compiler = mode == .off ? nil : CCompiler.find(environment: env)
        return NativeCompiler(mode: mode, cache: NativeKernelCache(compiler: compiler, directory: NativeKernelCache.defaultDirectory(environment: env)))
    }

    /// Starts (tiered) or does (sync) the native compilation of `fused`, as the mode says.
    func attach(_ fused: FusedKernel) {
        let k = fused.kernel
        let log = TesseraLog.logger
        switch mode {
        case .off:
            return
        case .tiered(let minimum) where k.pointCount < minimum:
            log.debug("blas: \(k.name) (\(k.pointCount) points) runs interpreted: below the \(minimum)-point native threshold")
            return
        case .tiered, .sync:
            break
        }
        guard cache.compiler != nil else {
            lock.lock()
            let first = !reportedMissingCompiler
            reportedMissingCompiler = true
            lock.unlock()
            if first { log.info("blas: no C compiler found (TESSERA_CC, clang, cc, gcc): fused kernels run interpreted on the block program") }
            return
        }
        fused.beginNative()
        if mode == .sync {
            compile(fused)
        } else {
            log.info("blas: \(k.name) runs interpreted while its native code compiles in the background")
            background.async { self.compile(fused) }
        }
    }

    /// Waits until every background compilation started so far has finished.
    package func drain() { background.sync {} }

    /// Renders, compiles (or finds in the cache) and swaps in the native function.
    private func compile(_ fused: FusedKernel) {
        let k = fused.kernel
        let log = TesseraLog.logger
        let clock = ContinuousClock()
        let start = clock.now
        var function: NativeFunction?
        do {
            let rendered = try HostKernelRenderer().render(k)
            log.debug("blas: C source of \(k.name):\n\(rendered.source)")
            let (f, origin) = try cache.function(source: rendered.source, entry: rendered.entry)
            function = f
            let how: String
            switch origin {
            case .memory: how = "found in memory"
            case .disk: how = "loaded from the disk cache"
            case .built: how = "compiled by \(cache.compiler?.path ?? "cc")"
            }
            log.info("blas: native \(k.name) \(how) in \(start.duration(to: clock.now)); it runs natively from now on")
        } catch let e as TesseraError where e.kind == .unsupported {
            log.debug("blas: \(k.name) stays interpreted: \(e.message)")
        } catch {
            log.warning("blas: native compilation of \(k.name) failed; it stays interpreted: \(error)")
        }
        fused.endNative(function)
    }
}
