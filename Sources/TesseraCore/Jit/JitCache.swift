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
final class JitCache: Sendable {
    struct Entry: @unchecked Sendable {
        let executable: Executable
        /// The traced output tree (leaves are dead tracers), rebuilt with the results.
        let outputTemplate: Any
    }
    private struct State {
        var entries: [JitSignature: Entry] = [:]
        var last: JitSignature?
        var traceCount = 0
    }
    private let state = Mutex(State())

    var traceCount: Int { state.withLock { $0.traceCount } }

    func lookup(_ sig: JitSignature) -> Entry? { state.withLock { $0.entries[sig] } }

    /// The reason the next trace happens (for the log).
    func missReason(_ sig: JitSignature) -> String {
        state.withLock { s in s.last.map { sig.reason(comparedTo: $0) } ?? "first call" }
    }

    func store(_ sig: JitSignature, _ entry: Entry) {
        state.withLock { s in
            s.entries[sig] = entry
            s.last = sig
            s.traceCount += 1
        }
    }
}
