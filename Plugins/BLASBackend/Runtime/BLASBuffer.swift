import Dispatch
import Synchronization
import TesseraCore

/// Host memory holding one tensor's elements on a BLAS device, taken from the backend's
/// `BufferPool` and given back to it when the buffer is freed.
///
/// A buffer is either created *ready* (uploads, and work run inline on the caller's
/// thread) or *pending* until the device queue has run the work producing it. Storage
/// accessors do not wait: use them for buffers known to be complete (inputs of work that
/// runs after waiting for them, the outputs being written, or after `wait()`).
public final class BLASBuffer: DeviceBuffer, @unchecked Sendable {
    /// Size in bytes.
    public let byteCount: Int
    /// The storage (64-byte aligned, at least one byte).
    package let storage: UnsafeMutableRawPointer
    private let sizeClass: Int
    private let pool: BufferPool
    /// 0 pending, 1 ready, 2 failed.
    private let state: Atomic<Int>
    /// Entered while pending (nil for buffers created ready).
    private let done: DispatchGroup?
    /// Set before `done` is left when the work failed.
    private nonisolated(unsafe) var error: TesseraError?

    /// A buffer of `byteCount` bytes from `pool`, pending unless `ready`.
    package init(byteCount: Int, pool: BufferPool, ready: Bool) throws {
        precondition(byteCount >= 0, "BLASBuffer: negative byte count \(byteCount)")
        (storage, sizeClass) = try pool.allocate(byteCount)
        self.byteCount = byteCount
        self.pool = pool
        state = Atomic(ready ? 1 : 0)
        if ready {
            done = nil
        } else {
            let group = DispatchGroup()
            group.enter()
            done = group
        }
    }

    deinit {
        pool.release(storage, sizeClass: sizeClass)
    }

    /// Whether the producing work has finished successfully (does not wait).
    @inline(__always)
    package var isReady: Bool { state.load(ordering: .acquiring) == 1 }

    /// Waits until the producing work has finished; rethrows its error if it failed.
    package func wait() throws {
        var s = state.load(ordering: .acquiring)
        if s == 0 {
            done?.wait()
            s = state.load(ordering: .acquiring)
        }
        if s == 2 { throw error ?? TesseraError(.execution, "blas: the operation producing this buffer failed") }
    }

    /// Marks the contents complete and wakes waiters (pending buffers only).
    package func markReady() {
        state.store(1, ordering: .releasing)
        done?.leave()
    }

    /// Marks the work failed with `error`; `wait()` rethrows it.
    package func markFailed(_ error: TesseraError) {
        self.error = error
        state.store(2, ordering: .releasing)
        done?.leave()
    }

    /// The bytes (not waiting).
    @inline(__always)
    package var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage, count: byteCount) }

    /// The bytes for writing (not waiting).
    @inline(__always)
    package var mutableBytes: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(start: storage, count: byteCount) }
}
