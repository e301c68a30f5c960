/// One entry of a tensor subscript: an integer, a range, a strided range, a new axis, an
/// ellipsis, or an integer tensor.
///
/// Swift spellings of NumPy's indices:
///
/// | NumPy            | Tessera                                       |
/// |------------------|-----------------------------------------------|
/// | `x[2]`, `x[-1]`  | `x[2]`, `x[-1]`                               |
/// | `x[1:4]`         | `x[1..<4]` (or `x[1...3]`)                    |
/// | `x[1:]`, `x[:3]` | `x[1...]`, `x[..<3]`                          |
/// | `x[::2]`         | `x[.slice(step: 2)]` or `x[stride(from: 0, to: n, by: 2)]` |
/// | `x[::-1]`        | `x[.slice(step: -1)]`                         |
/// | `x[-3:-1]`       | `x[-3..<(-1)]` or `x[.slice(-3, -1)]`         |
/// | `a[0, 1]`, `a[:, 1]` | `a[0, 1]`, `a[.all, 1]`                   |
/// | `a[..., 0]`      | `a[.ellipsis, 0]`                             |
/// | `a[None, :]`     | `a[.newAxis, .all]`                           |
/// | `x[idx]` (int array) | `x[idx]` with an integer `Tensor` (gather) |
///
/// Ranges and `.slice` follow Python slice rules: negative bounds count from the end and
/// bounds past the end are clipped. A `stride(from:to:by:)` or `stride(from:through:by:)`
/// uses absolute positions, which must be in bounds. An integer out of bounds stops with
/// NumPy's message ("index 5 is out of bounds for axis 0 with size 3"); integer tensors are
/// clamped into bounds when reading (as JAX does) and out-of-bounds updates are dropped.
public struct TensorIndex: Sendable {
    enum Kind: Sendable {
        case int(Int)
        /// Python slice semantics.
        case slice(start: Int?, stop: Int?, step: Int)
        /// Absolute positions `first, first+step, ...` (`count` of them).
        case positions(first: Int, count: Int, step: Int)
        case newAxis
        case ellipsis
        case tensor(Tensor)
    }
    let kind: Kind
    init(_ kind: Kind) { self.kind = kind }
}

/// A value usable in a tensor subscript: `Int`, Swift ranges, strides, `Tensor` and
/// `TensorIndex` (`.all`, `.ellipsis`, `.newAxis`, `.slice(_:_:step:)`).
public protocol TensorIndexConvertible {
    /// The index this value stands for.
    var tensorIndex: TensorIndex { get }
}

extension TensorIndex: TensorIndexConvertible {
    /// Itself.
    public var tensorIndex: TensorIndex { self }
}

extension TensorIndexConvertible where Self == TensorIndex {
    /// Every element of one axis (NumPy's `:`).
    public static var all: TensorIndex { TensorIndex(.slice(start: nil, stop: nil, step: 1)) }
    /// As many `.all` as needed to index every axis (NumPy's `...`).
    public static var ellipsis: TensorIndex { TensorIndex(.ellipsis) }
    /// A new axis of size 1 (NumPy's `None` / `np.newaxis`).
    public static var newAxis: TensorIndex { TensorIndex(.newAxis) }
    /// A Python slice `start:stop:step`; nil bounds mean the ends, negative bounds count
    /// from the end, and a negative step walks backwards.
    ///
    /// ```swift
    /// x[.slice(step: -1)]          // reversed, x[::-1]
    /// x[.slice(1, nil, step: 2)]   // x[1::2]
    /// ```
    public static func slice(_ start: Int? = nil, _ stop: Int? = nil, step: Int = 1) -> TensorIndex {
        if step == 0 { usageError("slice step cannot be zero") }
        return TensorIndex(.slice(start: start, stop: stop, step: step))
    }
}

extension Int: TensorIndexConvertible {
    /// An integer index (negative counts from the end); the axis is removed.
    public var tensorIndex: TensorIndex { TensorIndex(.int(self)) }
}

extension Range: TensorIndexConvertible where Bound == Int {
    /// `a..<b` is the slice `a:b`.
    public var tensorIndex: TensorIndex { TensorIndex(.slice(start: lowerBound, stop: upperBound, step: 1)) }
}

extension ClosedRange: TensorIndexConvertible where Bound == Int {
    /// `a...b` is the slice `a:b+1` (`-3...(-1)` is the last three elements).
    public var tensorIndex: TensorIndex {
        TensorIndex(.slice(start: lowerBound, stop: upperBound == -1 ? nil : upperBound + 1, step: 1))
    }
}

extension PartialRangeFrom: TensorIndexConvertible where Bound == Int {
    /// `a...` is the slice `a:`.
    public var tensorIndex: TensorIndex { TensorIndex(.slice(start: lowerBound, stop: nil, step: 1)) }
}

extension PartialRangeUpTo: TensorIndexConvertible where Bound == Int {
    /// `..<b` is the slice `:b`.
    public var tensorIndex: TensorIndex { TensorIndex(.slice(start: nil, stop: upperBound, step: 1)) }
}

extension PartialRangeThrough: TensorIndexConvertible where Bound == Int {
    /// `...b` is the slice `:b+1`.
    public var tensorIndex: TensorIndex {
        TensorIndex(.slice(start: nil, stop: upperBound == -1 ? nil : upperBound + 1, step: 1))
    }
}

extension StrideTo: TensorIndexConvertible where Element == Int {
    /// `stride(from: a, to: b, by: s)`: the absolute positions it yields.
    public var tensorIndex: TensorIndex { TensorIndex.positions(Array(self)) }
}

extension StrideThrough: TensorIndexConvertible where Element == Int {
    /// `stride(from: a, through: b, by: s)`: the absolute positions it yields.
    public var tensorIndex: TensorIndex { TensorIndex.positions(Array(self)) }
}

extension Tensor: TensorIndexConvertible {
    /// An integer tensor index (gather); a host scalar such as `Tensor(2)` acts as an `Int`.
    public var tensorIndex: TensorIndex {
        if let l = literalValue, l.dtype.isInteger { return TensorIndex(.int(Int(l.int64Value))) }
        return TensorIndex(.tensor(self))
    }
}

extension TensorIndex {
    /// Evenly spaced absolute positions (from a stride).
    static func positions(_ p: [Int]) -> TensorIndex {
        TensorIndex(.positions(first: p.first ?? 0, count: p.count, step: p.count > 1 ? p[1] - p[0] : 1))
    }
}
