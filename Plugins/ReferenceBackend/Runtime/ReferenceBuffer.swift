import TesseraCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Host memory holding one tensor's elements (contiguous, row-major, little-endian) on
/// the reference backend, together with the completion state of the work producing them.
///
/// A buffer is created *pending* by `ReferenceBackend.execute` (or *ready* by `upload`) and
/// becomes ready or failed when the device queue has run the operation. Code in this
/// module (the primitive evaluator and the compiled kernels in `Kernels/`) reads and
/// writes the storage with `withUnsafeBytes`, `withUnsafeMutableBytes`, `withElements`
/// and `withMutableElements`; these do not wait. Call them only for buffers that are
/// known to be complete: inputs of work running on the device queue (the queue runs
/// work in order and waits for inputs before starting), outputs of the work being run,
/// or buffers after `wait()`.
public final class ReferenceBuffer: DeviceBuffer, @unchecked Sendable {
    /// Size in bytes.
    public let byteCount: Int
    /// The owned storage (at least one byte allocated so that the address is never nil).
    private let storage: UnsafeMutableRawPointer
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var state: CompletionState

    /// Whether the producing work has finished, and how.
    package enum CompletionState: Sendable {
        case pending
        case ready
        case failed(TesseraError)
    }

    /// Allocates `byteCount` bytes of uninitialised storage, pending until `markReady`.
    /// Throws `outOfMemory` when the host cannot provide the memory.
    package init(byteCount: Int, ready: Bool = false) throws {
        precondition(byteCount >= 0, "ReferenceBuffer: negative byte count \(byteCount)")
        var raw: UnsafeMutableRawPointer?
        let status = posix_memalign(&raw, 64, Swift.max(byteCount, 1))
        guard status == 0, let raw else {
            throw TesseraError(.outOfMemory, "reference:0 (host): cannot allocate \(byteCount) bytes; use smaller tensors or free memory")
        }
        self.byteCount = byteCount
        self.storage = raw
        self.mutex = .allocate(capacity: 1)
        self.condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        self.state = ready ? .ready : .pending
    }

    /// A ready buffer holding a copy of `bytes`.
    package convenience init(copying bytes: UnsafeRawBufferPointer) throws {
        try self.init(byteCount: bytes.count, ready: true)
        if let base = bytes.baseAddress, bytes.count > 0 {
            storage.copyMemory(from: base, byteCount: bytes.count)
        }
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
        free(storage)
    }

    // MARK: completion

    /// The current state (does not wait).
    package var completionState: CompletionState {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return state
    }

    /// Waits until the producing work has finished; rethrows its error if it failed.
    package func wait() throws {
        pthread_mutex_lock(mutex)
        while case .pending = state { pthread_cond_wait(condition, mutex) }
        let final = state
        pthread_mutex_unlock(mutex)
        if case .failed(let error) = final { throw error }
    }

    /// Marks the contents complete and wakes waiters.
    package func markReady() { finish(.ready) }

    /// Marks the work failed with `error` and wakes waiters; `wait()` rethrows it.
    package func markFailed(_ error: TesseraError) { finish(.failed(error)) }

    private func finish(_ newState: CompletionState) {
        pthread_mutex_lock(mutex)
        state = newState
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }

    // MARK: storage access (does not wait; see the type's documentation)

    /// Calls `body` with the raw bytes.
    @inline(__always)
    package func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage, count: byteCount))
    }

    /// Calls `body` with the raw bytes for writing.
    @inline(__always)
    package func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeMutableRawBufferPointer(start: storage, count: byteCount))
    }

    /// Calls `body` with the elements viewed as `T` (`byteCount / stride` of them).
    /// bool tensors are stored as one byte 0/1: view them as `UInt8`.
    @inline(__always)
    package func withElements<T, R>(as type: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R) rethrows -> R {
        let count = byteCount / MemoryLayout<T>.stride
        return try body(UnsafeBufferPointer(start: storage.bindMemory(to: T.self, capacity: count), count: count))
    }

    /// Calls `body` with the elements viewed as `T` for writing.
    @inline(__always)
    package func withMutableElements<T, R>(as type: T.Type, _ body: (UnsafeMutableBufferPointer<T>) throws -> R) rethrows -> R {
        let count = byteCount / MemoryLayout<T>.stride
        return try body(UnsafeMutableBufferPointer(start: storage.bindMemory(to: T.self, capacity: count), count: count))
    }
}
