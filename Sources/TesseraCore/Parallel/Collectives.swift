/// A collective operation across the devices (or examples) of a named axis.
public enum CollectiveOp: Hashable, Sendable {
    /// Sum over the axis; every participant gets the total.
    case psum
    /// Maximum over the axis.
    case pmax
    /// Minimum over the axis.
    case pmin
    /// Stacks every participant's value along a new axis `axis` (JAX's `all_gather`).
    case allGather(axis: Int)
    /// Sends participant `source`'s value to `target` for each pair; participants that
    /// receive nothing get zeros (JAX's `ppermute`).
    case ppermute(pairs: [CollectivePair])
    /// The participant's index along the axis (no operand; an int32 scalar).
    case axisIndex

    /// The printed primitive name, as JAX's.
    public var primitiveName: String {
        switch self {
        case .psum: return "psum"
        case .pmax: return "pmax"
        case .pmin: return "pmin"
        case .allGather: return "all_gather"
        case .ppermute: return "ppermute"
        case .axisIndex: return "axis_index"
        }
    }
}

/// One (source, target) pair of `ppermute`.
public struct CollectivePair: Hashable, Sendable {
    /// Index of the sending participant.
    public var source: Int
    /// Index of the receiving participant.
    public var target: Int
    /// Creates a pair.
    public init(source: Int, target: Int) {
        self.source = source
        self.target = target
    }
}

/// The named axes in scope (pushed by `pmap`), innermost last.
public enum NamedAxes {
    /// The size of the innermost axis called `name`, or a stop naming the misuse.
    static func size(of name: String, for operation: String) -> Int {
        if let axis = TraceStack.current.namedAxes.last(where: { $0.name == name }) { return axis.size }
        let bound = TraceStack.current.namedAxes.map { "'\($0.name)'" }
        usageError("\(operation): unbound axis name '\(name)'. Collectives must be called inside pmap(f, axisName: \"\(name)\")"
                   + (bound.isEmpty ? "; no axis is bound here." : "; axes bound here: \(bound.joined(separator: ", ")).")
                   + " Outside pmap, reduce with x.sum(axes:) instead.")
    }

    /// Runs `body` with the axis `name` of `size` participants in scope.
    static func with<R>(name: String, size: Int, _ body: () throws -> R) rethrows -> R {
        let stack = TraceStack.current
        stack.namedAxes.append((name, size))
        defer { stack.namedAxes.removeLast() }
        return try body()
    }
}

/// Sum of `x` over every device of the pmap axis `axisName`; every device gets the total.
///
/// ```swift
/// pmap({ x in psum(x, axisName: "i") }, axisName: "i")(xs)
/// ```
public func psum(_ x: Tensor, axisName: String) -> Tensor {
    let n = NamedAxes.size(of: axisName, for: "psum")
    return bind1(.collective(.psum, axisName: axisName, axisSize: n), x)
}

/// Mean of `x` over the pmap axis `axisName`.
public func pmean(_ x: Tensor, axisName: String) -> Tensor {
    let n = NamedAxes.size(of: axisName, for: "pmean")
    let total = psum(x.dtype.isFloatingPoint ? x : Lax.convert(x, to: .float32), axisName: axisName)
    return Lax.binary(.div, total, Lax.full(Double(n), shape: total.shape, dtype: total.dtype))
}

/// Maximum of `x` over the pmap axis `axisName`.
public func pmax(_ x: Tensor, axisName: String) -> Tensor {
    let n = NamedAxes.size(of: axisName, for: "pmax")
    return bind1(.collective(.pmax, axisName: axisName, axisSize: n), x)
}

/// Minimum of `x` over the pmap axis `axisName`.
public func pmin(_ x: Tensor, axisName: String) -> Tensor {
    let n = NamedAxes.size(of: axisName, for: "pmin")
    return bind1(.collective(.pmin, axisName: axisName, axisSize: n), x)
}

/// Every device's `x`, stacked along a new axis `axis` (size = number of devices).
public func allGather(_ x: Tensor, axisName: String, axis: Int = 0) -> Tensor {
    let n = NamedAxes.size(of: axisName, for: "allGather")
    if axis < 0 || axis > x.rank { usageError("allGather: axis \(axis) is out of bounds for a result of rank \(x.rank + 1)") }
    return bind1(.collective(.allGather(axis: axis), axisName: axisName, axisSize: n), x)
}

/// Sends each `(source, target)` device's `x` to the target; devices that receive nothing
/// get zeros.
///
/// ```swift
/// ppermute(x, axisName: "i", pairs: [(0, 1), (1, 0)])   // swap two devices' values
/// ```
public func ppermute(_ x: Tensor, axisName: String, pairs: [(Int, Int)]) -> Tensor {
    let n = NamedAxes.size(of: "\(axisName)", for: "ppermute")
    let ps = pairs.map { CollectivePair(source: $0.0, target: $0.1) }
    for p in ps where p.source < 0 || p.source >= n || p.target < 0 || p.target >= n {
        usageError("ppermute: pair (\(p.source), \(p.target)) is out of range for an axis of \(n) devices")
    }
    if Set(ps.map(\.source)).count != ps.count || Set(ps.map(\.target)).count != ps.count {
        usageError("ppermute: each device may appear at most once as a source and once as a target, got \(pairs)")
    }
    return bind1(.collective(.ppermute(pairs: ps), axisName: axisName, axisSize: n), x)
}

/// This device's index along the pmap axis `axisName` (an int32 scalar).
public func axisIndex(axisName: String) -> Tensor {
    let n = NamedAxes.size(of: axisName, for: "axisIndex")
    return bind(.collective(.axisIndex, axisName: axisName, axisSize: n), [])[0]
}
