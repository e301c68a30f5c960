/// NumPy broadcasting and axis normalisation shared by the Tensor API.
///
/// Shapes are aligned on their trailing axes; an axis of size 1 stretches to match.
/// ```swift
/// broadcastShapes("add", [2, 1], [3])   // [2, 3]
/// ```
/// Incompatible shapes stop with NumPy's message, prefixed by the operation:
/// `add: operands could not be broadcast together with shapes (2,3) (4,)`.
public func broadcastShapes(_ operation: String, _ shapes: [Int]...) -> [Int] {
    broadcastShapes(operation, shapes)
}

/// The common shape of `shapes` under NumPy broadcasting (see `broadcastShapes(_:_:...)`).
public func broadcastShapes(_ operation: String, _ shapes: [[Int]]) -> [Int] {
    let rank = shapes.map(\.count).max() ?? 0
    var out = [Int](repeating: 1, count: rank)
    for s in shapes {
        let offset = rank - s.count
        for (i, n) in s.enumerated() {
            let j = offset + i
            if out[j] == n || n == 1 { continue }
            if out[j] == 1 {
                out[j] = n
                continue
            }
            usageError("\(operation): operands could not be broadcast together with shapes "
                + shapes.map(shapeString).joined(separator: " "))
        }
    }
    return out
}

extension Tensor {
    /// This tensor broadcast to `shape` by NumPy's rule (trailing axes aligned, size-1 axes
    /// stretched).
    ///
    /// ```swift
    /// Tensor([1, 2, 3] as [Float]).broadcast(to: [2, 3]).shape   // [2, 3]
    /// ```
    public func broadcast(to shape: [Int]) -> Tensor {
        broadcast(to: shape, operation: "broadcast(to:)")
    }

    /// `broadcast(to:)` naming `operation` in its error message.
    func broadcast(to shape: [Int], operation: String) -> Tensor {
        if self.shape == shape { return self }
        let ok = rank <= shape.count && zip(self.shape.reversed(), shape.reversed()).allSatisfy { $0 == $1 || $0 == 1 }
        if !ok {
            usageError("\(operation): could not broadcast a tensor of shape \(shapeString(self.shape)) to shape \(shapeString(shape))")
        }
        return Lax.broadcast(self, to: shape)
    }
}

/// Normalises a possibly negative axis (`-1` is the last) for a tensor of `rank`, stopping
/// with a message naming the operation, the axis and the rank when it is out of range.
///
/// ```swift
/// normalizeAxis(-1, rank: 3, "sum")   // 2
/// ```
public func normalizeAxis(_ axis: Int, rank: Int, _ operation: String) -> Int {
    if axis < -rank || axis >= rank {
        usageError("\(operation): axis \(axis) is out of bounds for a tensor of rank \(rank)")
    }
    return axis < 0 ? axis + rank : axis
}

/// Normalises a list of axes (nil means every axis), rejecting duplicates.
func normalizeAxes(_ axes: [Int]?, rank: Int, _ operation: String) -> [Int] {
    guard let axes else { return Array(0..<rank) }
    let out = axes.map { normalizeAxis($0, rank: rank, operation) }
    if Set(out).count != out.count { usageError("\(operation): repeated axis in \(axes)") }
    return out.sorted()
}
