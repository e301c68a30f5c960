import Dispatch
import Synchronization
import TesseraCore

/// The in-order work queue of one reference device (a serial dispatch queue).
///
/// `enqueue` returns at once; the queue waits for the inputs (so inputs produced
/// elsewhere are safe), runs the work, and marks every output ready, or failed with the
/// error the work threw. Nothing thrown inside the queue crashes the process: a failed
/// input or a thrown error is stored in the outputs and rethrown by their `wait()`.
///
/// `submit` adds one shortcut for small eager operations: when nothing is queued, the
/// work runs at once on the calling thread (with the same error handling), because
/// handing a microsecond of work to another thread costs more than doing it.
package final class ReferenceQueue: Sendable {
    private let queue: DispatchQueue
    /// Work items enqueued and not yet finished.
    private let pending = Atomic<Int>(0)

    /// Work whose operands and results together are at most this many bytes may run
    /// inline when the queue is idle.
    package static let inlineByteLimit = 64 * 1024

    /// Creates the queue for the device named `label`.
    package init(label: String) {
        queue = DispatchQueue(label: "tessera.reference.\(label)")
    }

    /// Runs `work` on the queue after `inputs` are complete, then completes `outputs`.
    ///
    /// `work` may read the inputs' and write the outputs' storage. If an input failed,
    /// `work` is not run and its error is passed on to the outputs.
    package func enqueue(inputs: [ReferenceBuffer], outputs: [ReferenceBuffer],
                         _ work: @escaping @Sendable () throws -> Void) {
        pending.add(1, ordering: .acquiring)
        queue.async {
            Self.perform(inputs: inputs, outputs: outputs, work)
            self.pending.subtract(1, ordering: .releasing)
        }
    }

    /// As `enqueue`, but runs `work` on the calling thread when the queue is idle and the
    /// operation is small (`bytes <= inlineByteLimit`). The outputs are complete (ready or
    /// failed) when it returns in that case.
    package func submit(inputs: [ReferenceBuffer], outputs: [ReferenceBuffer], bytes: Int,
                        _ work: @escaping @Sendable () throws -> Void) {
        if bytes <= Self.inlineByteLimit && pending.load(ordering: .acquiring) == 0 {
            Self.perform(inputs: inputs, outputs: outputs, work)
        } else {
            enqueue(inputs: inputs, outputs: outputs, work)
        }
    }

    /// Waits for the inputs, runs the work and completes the outputs; never throws.
    private static func perform(inputs: [ReferenceBuffer], outputs: [ReferenceBuffer], _ work: () throws -> Void) {
        do {
            for input in inputs { try input.wait() }
            try work()
            for output in outputs { output.markReady() }
        } catch let error as TesseraError {
            for output in outputs { output.markFailed(error) }
        } catch {
            let wrapped = TesseraError(.execution, "reference: \(error)")
            for output in outputs { output.markFailed(wrapped) }
        }
    }

    /// Waits until everything enqueued so far has run.
    package func drain() {
        queue.sync {}
    }
}
