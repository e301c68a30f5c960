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

    /// The reduction's layout, identity and merge (shared with the block program).
    private let reduction: BlockReduction?

    init(kernel: Kernel, program: BlockProgram) throws {
        self.kernel = kernel
        self.program = program
        reduction = try kernel.reduction.map { try BlockReduction($0, kernel: kernel) }
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
    /// function on chunks of contiguous points that the threads take in turn, else the
    /// block program.
    func run(inputs: [UnsafeRawPointer], outputs: [UnsafeMutableRawPointer], queue: BLASQueue) {
        guard let native else {
            program.run(inputs: inputs, outputs: outputs, queue: queue)
            return
        }
        let total = kernel.pointCount
        let ins: [UnsafeRawPointer?] = inputs
        if let reduction {
            ins.withUnsafeBufferPointer { runReduction(native.reduction, reduction, $0.baseAddress, output: outputs[0], total: total, queue: queue) }
            return
        }
        guard total > 0 else { return }
        let outs: [UnsafeMutableRawPointer?] = outputs
        ins.withUnsafeBufferPointer { i in
            outs.withUnsafeBufferPointer { o in
                // About 8 chunks per thread, taken dynamically; multiples of 64 points, so
                // threads never share a cache line of an output.
                let parts = queue.parts(for: total, grain: 32768)
                let chunk = Swift.max(16384, (total / (parts * 8) + 63) & ~63)
                queue.parallelChunks(total: total, chunk: chunk, parts: parts) { range in
                    native.entry(i.baseAddress, o.baseAddress, range.lowerBound, range.upperBound)
                }
            }
        }
    }

    /// A reduction: threads own disjoint output rows (trailing reductions with enough
    /// outputs) or accumulate into their own partial outputs, merged at the end.
    private func runReduction(_ f: NativeFunction.ReductionEntry, _ r: BlockReduction, _ ins: UnsafePointer<UnsafeRawPointer?>?,
                              output: UnsafeMutableRawPointer, total: Int, queue: BLASQueue) {
        r.initialise(output, count: r.outputCount)
        guard total > 0 else { return }
        let parts = queue.parts(for: total, grain: 32768)
        if parts > 1, case .trailing(let reduced) = r.layout, r.outputCount >= parts {
            let perPart = (r.outputCount + parts - 1) / parts
            queue.parallel(parts: parts) { part in
                let lower = part * perPart * reduced, upper = Swift.min(total, (part + 1) * perPart * reduced)
                if lower < upper { f(ins, output, lower, upper) }
            }
            return
        }
        let useParts = r.outputCount * parts <= Swift.max(total, 1 << 16) ? parts : 1
        if useParts == 1 {
            f(ins, output, 0, total)
            return
        }
        let bytes = r.outputCount * r.dtype.byteSize
        let stride = (bytes + 63) & ~63
        let partials = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(1, stride * useParts), alignment: 64)
        defer { partials.deallocate() }
        let perPart = (total + useParts - 1) / useParts
        queue.parallel(parts: useParts) { part in
            let acc = partials + part * stride
            r.initialise(acc, count: r.outputCount)
            let lower = part * perPart, upper = Swift.min(total, lower + perPart)
            if lower < upper { f(ins, acc, lower, upper) }
        }
        for part in 0..<useParts { r.merge(partials + part * stride, into: output) }
    }
}
