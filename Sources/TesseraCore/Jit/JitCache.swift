import Synchronization

/// The abstract signature a compiled program is specialised to: the flattened arguments'
/// shapes, dtypes and weak types, and the device.
public struct JitSignature: Hashable, Sendable, CustomStringConvertible {
    /// Types of the flattened arguments.
    public let types: [ShapedType]
    /// The device id (`reference:0`).
    public let device: String

    /// Creates a signature.
    public init(types: [ShapedType], device: String) {
        self.types = types
        self.device = device
    }

    /// `(f32[10], i32[]) on reference:0`
    public var description: String {
        "(" + types.map { $0.description + ($0.weakType ? "{weak}" : "") }.joined(separator: ", ") + ") on \(device)"
    }

    /// Why a program compiled for `old` cannot serve this signature ("new shape f32[100] != f32[10]").
    public func reason(comparedTo old: JitSignature) -> String {
        if device != old.device { return "new device \(device) != \(old.device)" }
        if types.count != old.types.count { return "new argument count \(types.count) != \(old.types.count)" }
        for (k, (n, o)) in zip(types, old.types).enumerated() where n != o {
            var what: [String] = []
            if n.shape != o.shape { what.append("shape") }
            if n.dtype != o.dtype { what.append("dtype") }
            let prefix = types.count > 1 ? "argument \(k): " : ""
            if what.isEmpty {
                return prefix + "new weak type \(n){weak=\(n.weakType)} != \(o){weak=\(o.weakType)}"
            }
            return prefix + "new " + what.joined(separator: " and ") + " \(n) != \(o)"
        }
        return "new signature"
    }
}

/// The compiled programs of one jitted function, by signature, with its trace counter.
///
/// The cache is bounded: it holds at most `capacity` programs and, when a new signature
/// needs room, evicts the least recently used one (logged at `debug`). A function called
/// with ever-changing shapes therefore keeps at most `capacity` executables alive.
final class JitCache: Sendable {
    /// The number of programs a jitted function keeps unless `jit(_:cacheSize:)` says otherwise.
    static let defaultCapacity = 64

    struct Entry: @unchecked Sendable {
        let executable: Executable
        /// The traced output tree (leaves are dead tracers), rebuilt with the results.
        let outputTemplate: Any
    }
    private struct Slot {
        var entry: Entry
        /// The value of `State.clock` at the last use (larger is more recent).
        var lastUse: UInt64
    }
    private struct State {
        var slots: [JitSignature: Slot] = [:]
        var clock: UInt64 = 0
        var last: JitSignature?
        var traceCount = 0
        var evictionCount = 0
    }
    private let state = Mutex(State())
    /// The most programs kept (at least 1).
    let capacity: Int
    /// The jitted function's name, for the eviction log.
    let name: String

    init(capacity: Int = JitCache.defaultCapacity, name: String = "") {
        precondition(capacity >= 1, "jit(\(name)): cacheSize must be at least 1 (got \(capacity))")
        self.capacity = capacity
        self.name = name
    }

    var traceCount: Int { state.withLock { $0.traceCount } }
    /// How many programs were evicted to make room for new signatures.
    var evictionCount: Int { state.withLock { $0.evictionCount } }
    /// How many programs are cached.
    var count: Int { state.withLock { $0.slots.count } }
    /// Whether a program for `sig` is cached (does not count as a use).
    func contains(_ sig: JitSignature) -> Bool { state.withLock { $0.slots[sig] != nil } }

    /// The cached program for `sig`, marked as the most recently used.
    func lookup(_ sig: JitSignature) -> Entry? {
        state.withLock { s in
            s.clock &+= 1
            let now = s.clock
            return s.slots[sig].map { slot in
                s.slots[sig]!.lastUse = now
                return slot.entry
            }
        }
    }

    /// The reason the next trace happens (for the log).
    func missReason(_ sig: JitSignature) -> String {
        state.withLock { s in s.last.map { sig.reason(comparedTo: $0) } ?? "first call" }
    }

    /// Caches `entry` for `sig` as the most recently used, evicting the least recently used
    /// program when the cache is full.
    func store(_ sig: JitSignature, _ entry: Entry) {
        let evicted: JitSignature? = state.withLock { s in
            var evicted: JitSignature?
            if s.slots[sig] == nil && s.slots.count >= capacity,
               let oldest = s.slots.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
                s.slots[oldest] = nil
                s.evictionCount += 1
                evicted = oldest
            }
            s.clock &+= 1
            s.slots[sig] = Slot(entry: entry, lastUse: s.clock)
            s.last = sig
            s.traceCount += 1
            return evicted
        }
        if let evicted {
            TesseraLog.logger.debug("jit(\(name)): evicted the program for \(evicted) (least recently used; the cache holds \(capacity))")
        }
    }
}
