import Foundation
import TesseraCore

/// A fused kernel compiled by the BLAS backend: its block program (the interpreter, ready
/// at once) and, once the C compiler has built it, its native function, which then runs
/// instead (see `NativeCompiler`).
///
/// Both compute the same values: the native code is the kernel IR rendered to C by the
/// shared renderer with the interpreter's semantics, compiled without fast-math.
final class FusedKernel: CompiledKernel, @unchecked Sendable {
    let kernel: Kernel
    /// The interpreter.
    let program: BlockProgram
    private let lock = NSLock()
    private var nativeFunction: NativeFunction?
    /// Left when the native compilation has finished (successfully or not).
    private let settled = DispatchGroup()
    private var pending = false

    init(kernel: Kernel, program: BlockProgram) {
        self.kernel = kernel
        self.program = program
    }

    /// The native function, once it is ready.
    var native: NativeFunction? {
        lock.lock()
        defer { lock.unlock() }
        return nativeFunction
    }

    /// Whether runs use native code now.
    var isNative: Bool { native != nil }

    /// Marks a native compilation as started (`waitForNative` waits for it).
    func beginNative() {
        lock.lock()
        pending = true
        lock.unlock()
        settled.enter()
    }

    /// Ends a native compilation: swaps `function` in (nil: it failed; runs stay interpreted).
    func endNative(_ function: NativeFunction?) {
        lock.lock()
        nativeFunction = function
        pending = false
        lock.unlock()
        settled.leave()
    }

    /// Waits until a started native compilation has finished; returns whether runs are native.
    @discardableResult
    func waitForNative() -> Bool {
        settled.wait()
        return isNative
    }

    /// Runs the kernel on host storage using up to `queue.threadCount` threads: the native
    /// function on one contiguous range of points per thread, else the block program.
    func run(inputs: [UnsafeRawPointer], outputs: [UnsafeMutableRawPointer], queue: BLASQueue) {
        guard let native else {
            program.run(inputs: inputs, outputs: outputs, queue: queue)
            return
        }
        let total = kernel.pointCount
        guard total > 0 else { return }
        let ins: [UnsafeRawPointer?] = inputs
        let outs: [UnsafeMutableRawPointer?] = outputs
        ins.withUnsafeBufferPointer { i in
            outs.withUnsafeBufferPointer { o in
                let parts = queue.parts(for: total, grain: 32768)
                // Ranges rounded to 64 points: threads never share a cache line of an output.
                let perPart = ((total + parts - 1) / parts + 63) & ~63
                queue.parallel(parts: parts) { part in
                    let lower = part * perPart, upper = Swift.min(total, lower + perPart)
                    if lower < upper { native.entry(i.baseAddress, o.baseAddress, lower, upper) }
                }
            }
        }
    }
}
