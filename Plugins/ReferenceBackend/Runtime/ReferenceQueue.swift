import Dispatch
import TesseraCore

/// The in-order work queue of one reference device (a serial dispatch queue).
///
/// `enqueue` returns at once; the queue waits for the inputs (so inputs produced on
/// another queue are safe), runs the work, and marks every output ready, or failed with
/// the error the work threw. Nothing thrown inside the queue crashes the process: a
/// failed input or a thrown error is stored in the outputs and rethrown by their `wait()`.
package final class ReferenceQueue: Sendable {
    private let queue: DispatchQueue

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
        queue.async {
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
    }

    /// Waits until everything enqueued so far has run.
    package func drain() {
        queue.sync {}
    }
}
