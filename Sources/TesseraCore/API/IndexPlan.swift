/// A subscript resolved against a shape: one item per operand axis (plus new axes), with
/// integers bounds-checked and normalised, slices turned into absolute (start, count, step).
struct IndexPlan {
    enum Item {
        /// A static integer index (normalised, in bounds); removes the axis.
        case int(axis: Int, index: Int)
        /// Positions `start, start+step, ...` (`count` of them) of `axis`.
        case range(axis: Int, start: Int, count: Int, step: Int)
        /// An integer tensor index of `axis` (gather / scatter).
        case tensor(axis: Int, index: Tensor)
        /// A new axis of size 1.
        case newAxis
    }

    let shape: [Int]
    let items: [Item]

    init(_ indices: [TensorIndex], shape: [Int], operation: String) {
        self.shape = shape
        let rank = shape.count
        let ellipses = indices.filter { if case .ellipsis = $0.kind { return true }; return false }.count
        if ellipses > 1 { usageError("\(operation): an index can only have a single ellipsis (.ellipsis)") }
        let consumed = indices.filter {
            switch $0.kind {
            case .newAxis, .ellipsis: return false
            case .int, .slice, .positions, .tensor: return true
            }
        }.count
        if consumed > rank {
            usageError("\(operation): too many indices for tensor: tensor is \(rank)-dimensional, but \(consumed) were indexed")
        }
        var expanded: [TensorIndex] = []
        for i in indices {
            if case .ellipsis = i.kind {
                expanded += Array(repeating: .all, count: rank - consumed)
            } else {
                expanded.append(i)
            }
        }
        if ellipses == 0 { expanded += Array(repeating: .all, count: rank - consumed) }

        var items: [Item] = []
        var axis = 0
        for i in expanded {
            switch i.kind {
            case .newAxis:
                items.append(.newAxis)
                continue
            case .ellipsis:
                continue
            case .int(let k):
                let n = shape[axis]
                if k < -n || k >= n { usageError("\(operation): index \(k) is out of bounds for axis \(axis) with size \(n)") }
                items.append(.int(axis: axis, index: k < 0 ? k + n : k))
            case .slice(let start, let stop, let step):
                let (s, c) = IndexPlan.resolveSlice(start: start, stop: stop, step: step, size: shape[axis])
                items.append(.range(axis: axis, start: s, count: c, step: step))
            case .positions(let first, let count, let step):
                let n = shape[axis]
                if count > 0 {
                    for p in [first, first + (count - 1) * step] where p < 0 || p >= n {
                        usageError("\(operation): index \(p) is out of bounds for axis \(axis) with size \(n)")
                    }
                }
                items.append(.range(axis: axis, start: count > 0 ? first : 0, count: count, step: step))
            case .tensor(let t):
                if t.dtype == .bool {
                    usageError("\(operation): boolean mask indices give a data-dependent shape and are not supported; use where(mask, x, 0) or an integer index tensor")
                }
                if t.dtype.isFloatingPoint {
                    usageError("\(operation): indices must be integers, got a \(t.dtype) tensor; convert with asType(.int32)")
                }
                items.append(.tensor(axis: axis, index: t))
            }
            axis += 1
        }
        self.items = items
    }

    /// Python's slice rules: the first position and the number of positions.
    static func resolveSlice(start: Int?, stop: Int?, step: Int, size n: Int) -> (Int, Int) {
        if step > 0 {
            var s = start ?? 0, e = stop ?? n
            if s < 0 { s += n }
            if e < 0 { e += n }
            s = Swift.min(Swift.max(s, 0), n)
            e = Swift.min(Swift.max(e, 0), n)
            return (s, e > s ? (e - s + step - 1) / step : 0)
        }
        var s = start ?? (n - 1), e = stop ?? -1
        if let start, start < 0 { s = start + n }
        if let stop, stop < 0 { e = stop + n }
        s = Swift.min(Swift.max(s, -1), n - 1)
        e = Swift.min(Swift.max(e, -1), n - 1)
        return (s, s > e ? (s - e + (-step) - 1) / (-step) : 0)
    }

    /// Whether an integer tensor of rank >= 1 is among the indices (NumPy advanced indexing).
    var hasArrayIndex: Bool {
        items.contains { if case .tensor(_, let t) = $0 { return t.rank > 0 }; return false }
    }

    /// Whether any index is a (0-d) tensor.
    var hasTensorIndex: Bool {
        items.contains { if case .tensor = $0 { return true }; return false }
    }

    /// Whether the selection is one rectangular window: static integers and step-1 ranges.
    var isWindow: Bool {
        items.allSatisfy {
            switch $0 {
            case .int: return true
            case .range(_, _, let count, let step): return step == 1 || count <= 1
            case .tensor, .newAxis: return false
            }
        }
    }

    /// The result shape of basic indexing (no array indices): one axis per range and new axis.
    var basicShape: [Int] {
        items.compactMap {
            switch $0 {
            case .range(_, _, let count, _): return count
            case .newAxis: return 1
            case .int, .tensor: return nil
            }
        }
    }
}
