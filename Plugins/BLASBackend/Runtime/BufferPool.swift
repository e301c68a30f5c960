import Synchronization
import TesseraCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A caching allocator for host buffers: freed blocks are kept by size class and reused,
/// so repeated calls on large tensors do not pay the operating system's page faults again.
///
/// Sizes are rounded up to a size class (multiples of 64 bytes up to 4 KiB, then four
/// classes per power of two, so at most 25% is wasted and untouched tail pages are never
/// committed). The cache is bounded by `limitBytes`: a freed block that would exceed it
/// goes back to the operating system. `clear()` releases every cached block. The cache
/// size is logged at `info` (`TESSERA_LOG=info`) whenever it reaches a new high mark and
/// when it is cleared.
package final class BufferPool: Sendable {
    private struct State {
        var free: [Int: [UInt]] = [:]   // addresses by size class
        var cachedBytes = 0
        var liveBytes = 0
        var reuses = 0
        var allocations = 0
        var loggedHighMark = 0
    }
    private let state = Mutex(State())
    /// Most bytes kept in the cache.
    package let limitBytes: Int
    /// A label for logs (`blas`).
    private let label: String

    /// A pool keeping at most `limitBytes` cached.
    package init(label: String, limitBytes: Int) {
        self.label = label
        self.limitBytes = limitBytes
    }

    /// The size class of a request: the bytes actually allocated for it.
    package static func sizeClass(_ byteCount: Int) -> Int {
        let n = Swift.max(byteCount, 1)
        if n <= 4096 { return (n + 63) & ~63 }
        let shift = (Int.bitWidth - 1 - n.leadingZeroBitCount) - 2   // quarter of the power of two below n
        let quantum = 1 << shift
        return (n + quantum - 1) & ~(quantum - 1)
    }

    /// A block of at least `byteCount` bytes (64-byte aligned) and its size class.
    package func allocate(_ byteCount: Int) throws -> (UnsafeMutableRawPointer, Int) {
        let size = BufferPool.sizeClass(byteCount)
        let reused: UInt? = state.withLock { s in
            s.liveBytes += size
            if let p = s.free[size]?.popLast() {
                s.cachedBytes -= size
                s.reuses += 1
                return p
            }
            s.allocations += 1
            return nil
        }
        if let reused, let p = UnsafeMutableRawPointer(bitPattern: reused) { return (p, size) }
        var raw: UnsafeMutableRawPointer?
        if posix_memalign(&raw, 64, size) != 0 || raw == nil {
            // Give the cache back to the system and try once more.
            clear()
            if posix_memalign(&raw, 64, size) != 0 || raw == nil {
                state.withLock { $0.liveBytes -= size }
                throw TesseraError(.outOfMemory, "\(label): cannot allocate \(byteCount) bytes of host memory; use smaller tensors or free memory")
            }
        }
        return (raw!, size)
    }

    /// Returns a block from `allocate` to the cache (or to the system when the cache is full).
    package func release(_ pointer: UnsafeMutableRawPointer, sizeClass size: Int) {
        var highMark = 0
        let address = UInt(bitPattern: pointer)
        let keep: Bool = state.withLock { s in
            s.liveBytes -= size
            guard s.cachedBytes + size <= limitBytes else { return false }
            s.free[size, default: []].append(address)
            s.cachedBytes += size
            if s.cachedBytes >= 2 * Swift.max(s.loggedHighMark, 32 << 20) {
                s.loggedHighMark = s.cachedBytes
                highMark = s.cachedBytes
            }
            return true
        }
        if !keep { free(pointer) }
        if highMark > 0 {
            TesseraLog.logger.info("\(label): buffer pool caches \(BufferPool.megabytes(highMark)) (limit \(BufferPool.megabytes(limitBytes)))")
        }
    }

    /// Frees every cached block; returns the bytes released.
    @discardableResult
    package func clear() -> Int {
        let (blocks, bytes): ([UInt], Int) = state.withLock { s in
            let all = s.free.values.flatMap { $0 }
            let bytes = s.cachedBytes
            s.free = [:]
            s.cachedBytes = 0
            s.loggedHighMark = 0
            return (all, bytes)
        }
        for a in blocks { free(UnsafeMutableRawPointer(bitPattern: a)) }
        TesseraLog.logger.info("\(label): buffer pool cleared, released \(BufferPool.megabytes(bytes))")
        return bytes
    }

    /// Bytes cached, bytes in live buffers, reuses and fresh allocations so far.
    package var statistics: BufferPoolStatistics {
        state.withLock { BufferPoolStatistics(cachedBytes: $0.cachedBytes, liveBytes: $0.liveBytes, reuses: $0.reuses, allocations: $0.allocations) }
    }

    static func megabytes(_ bytes: Int) -> String {
        let mb = Double(bytes) / 1_048_576
        return mb < 10 ? "\((mb * 100).rounded() / 100) MiB" : "\(Int(mb.rounded())) MiB"
    }
}

/// A snapshot of a buffer pool's counters.
public struct BufferPoolStatistics: Sendable, Hashable {
    /// Bytes held in the cache for reuse.
    public var cachedBytes: Int
    /// Bytes in buffers currently alive.
    public var liveBytes: Int
    /// Allocations served from the cache.
    public var reuses: Int
    /// Allocations that went to the operating system.
    public var allocations: Int
}
