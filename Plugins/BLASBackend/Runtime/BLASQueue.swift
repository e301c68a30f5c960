import Dispatch
import Foundation
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
        let item = WorkItem(inputs: inputs, outputs: outputs, work: work)
        queue.async { BLASQueue.perform(item) }
    }

    /// Waits for the inputs, runs the work and completes the outputs. Every reference the
    /// queue holds (inputs, outputs, the work closure) is dropped before waiters wake, so a
    /// result freed right after `wait()` goes back to the pool at once.
    private static func perform(_ item: WorkItem) {
        var (inputs, outputs, work) = (item.inputs, item.outputs, item.work)
        item.inputs = []
        item.outputs = []
        item.work = nil
        var failure: TesseraError?
        do {
            for input in inputs { try input.wait() }
            try work?()
        } catch let error as TesseraError {
            failure = error
        } catch {
            failure = TesseraError(.execution, "blas: \(error)")
        }
        work = nil
        inputs = []
        let wake = outputs.map { $0.complete(failure) }
        outputs = []
        for group in wake { group?.leave() }
    }

    /// One enqueued operation (emptied when it runs).
    private final class WorkItem: @unchecked Sendable {
        var inputs: [BLASBuffer]
        var outputs: [BLASBuffer]
        var work: (@Sendable () throws -> Void)?
        init(inputs: [BLASBuffer], outputs: [BLASBuffer], work: @escaping @Sendable () throws -> Void) {
            self.inputs = inputs
            self.outputs = outputs
            self.work = work
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

    /// Calls `body` on consecutive ranges of `0..<total` of `chunk` units (the last may be
    /// shorter) on the calling thread and up to `parts - 1` helper threads, each taking the
    /// next range when it finishes one. The caller waits only for ranges in progress, never
    /// for a helper the OS has not started yet (other processes on the cores): a late
    /// helper finds nothing left and does nothing.
    package func parallelChunks(total: Int, chunk: Int, parts: Int, _ body: (Range<Int>) -> Void) {
        let chunk = Swift.max(1, chunk)
        let chunks = (total + chunk - 1) / chunk
        if parts <= 1 || chunks <= 1 {
            if total > 0 { body(0..<total) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let work = ChunkedWork(chunks: chunks, body: { c in body(c * chunk..<Swift.min(total, (c + 1) * chunk)) })
            for _ in 1..<Swift.min(parts, chunks) {
                DispatchQueue.global(qos: .userInitiated).async { work.help() }
            }
            work.help()
            work.finish()
        }
    }

    /// How many parts to split `work` units into: one per thread, but none smaller than
    /// `grain` units.
    package func parts(for work: Int, grain: Int) -> Int {
        Swift.max(1, Swift.min(threadCount, work / Swift.max(grain, 1)))
    }
}

/// Chunks of one `parallelChunks` call: handed out once each; `finish` waits for the
/// chunks in progress and drops the body, so that helpers starting later never call it.
private final class ChunkedWork: @unchecked Sendable {
    private let condition = NSCondition()
    private let chunks: Int
    private var taken = 0, done = 0
    private var body: ((Int) -> Void)?

    init(chunks: Int, body: @escaping (Int) -> Void) {
        self.chunks = chunks
        self.body = body
    }

    /// Runs chunks until none is left.
    func help() {
        while runOne() {
            condition.lock()
            done += 1
            if done == chunks { condition.broadcast() }
            condition.unlock()
        }
    }

    /// Takes and runs one chunk (false when none is left); the body's reference is
    /// released when this returns, before the chunk counts as done.
    private func runOne() -> Bool {
        condition.lock()
        guard taken < chunks, let body else {
            condition.unlock()
            return false
        }
        let c = taken
        taken += 1
        condition.unlock()
        body(c)
        return true
    }

    /// Waits until every chunk has run, then drops the body.
    func finish() {
        condition.lock()
        while done < chunks { condition.wait() }
        body = nil
        condition.unlock()
    }
}

/// A value handed to other threads under the caller's guarantee that the access is safe.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
