import Dispatch
import TesseraCore

/// The in-order work queue of one BLAS device, and the threads it may use for one
/// operation.
///
/// `enqueue` returns at once; the queue waits for the inputs, runs the work and marks
/// the outputs ready (or failed with the error the work threw). `parallel` splits one
/// operation's work over the device's share of the cores.
package final class BLASQueue: Sendable {
    private let queue: DispatchQueue
    /// Threads one operation on this device may use.
    package let threadCount: Int

    /// The queue of the device named `label`, using `threadCount` threads per operation.
    package init(label: String, threadCount: Int) {
        queue = DispatchQueue(label: "tessera.blas.\(label)")
        self.threadCount = Swift.max(1, threadCount)
    }

    /// Runs `work` on the queue after `inputs` are complete, then completes `outputs`.
    package func enqueue(inputs: [BLASBuffer], outputs: [BLASBuffer], _ work: @escaping @Sendable () throws -> Void) {
        queue.async {
            BLASQueue.perform(inputs: inputs, outputs: outputs, work)
        }
    }

    /// Waits for the inputs, runs `work`, completes the outputs (on the calling thread).
    package static func perform(inputs: [BLASBuffer], outputs: [BLASBuffer], _ work: () throws -> Void) {
        do {
            for input in inputs { try input.wait() }
            try work()
            for output in outputs { output.markReady() }
        } catch let error as TesseraError {
            for output in outputs { output.markFailed(error) }
        } catch {
            let wrapped = TesseraError(.execution, "blas: \(error)")
            for output in outputs { output.markFailed(wrapped) }
        }
    }

    /// Waits until everything enqueued so far has run.
    package func drain() {
        queue.sync {}
    }

    /// Calls `body(part, parts)` for `part` in `0..<parts` on up to `parts` threads,
    /// returning when all are done. `parts` is at most `threadCount`; one part runs inline.
    package func parallel(parts: Int, _ body: (Int) -> Void) {
        if parts <= 1 {
            body(0)
            return
        }
        // The parts only touch memory the caller keeps alive until this returns.
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: parts) { box.value($0) }
        }
    }

    /// How many parts to split `work` units into: one per thread, but none smaller than
    /// `grain` units.
    package func parts(for work: Int, grain: Int) -> Int {
        Swift.max(1, Swift.min(threadCount, work / Swift.max(grain, 1)))
    }
}

/// A value handed to other threads under the caller's guarantee that the access is safe.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
