/// The abstract value of a tensor: its shape, dtype and whether its type is weak
/// (a Swift literal, which adopts the type of the other operand as JAX's Python scalars do).
///
/// ```swift
/// ShapedType([3, 4], .float32).description   // "f32[3,4]"
/// ```
public struct ShapedType: Hashable, Sendable, CustomStringConvertible {
    /// Sizes of each axis, outermost first.
    public var shape: [Int]
    /// The element type.
    public var dtype: DType
    /// Whether the type is weak (comes from a literal).
    public var weakType: Bool

    /// Creates an abstract value.
    public init(_ shape: [Int], _ dtype: DType, weak: Bool = false) {
        self.shape = shape
        self.dtype = dtype
        self.weakType = weak
    }

    /// Number of axes.
    public var rank: Int { shape.count }
    /// Number of elements (1 for a scalar, 0 for a zero-size tensor).
    public var count: Int { shape.reduce(1, *) }
    /// Size in bytes of a contiguous buffer holding the value.
    public var byteCount: Int { count * dtype.byteSize }

    /// The jaxpr spelling: `f32[3,4]`, `i32[]`.
    public var description: String {
        "\(dtype.shortName)[\(shape.map(String.init).joined(separator: ","))]"
    }

    /// The same type with another dtype (weakness kept).
    public func with(dtype: DType) -> ShapedType { ShapedType(shape, dtype, weak: weakType) }
    /// The same type with another shape.
    public func with(shape: [Int]) -> ShapedType { ShapedType(shape, dtype, weak: weakType) }
    /// The same type, strongly typed.
    public var strong: ShapedType { ShapedType(shape, dtype, weak: false) }
}

/// Row-major (C-order) strides, in elements, of a contiguous array of `shape`.
///
/// ```swift
/// contiguousStrides([2, 3, 4])   // [12, 4, 1]
/// ```
public func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var acc = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[i] = acc
        acc *= shape[i]
    }
    return strides
}

/// Formats a shape as NumPy does in messages: `(2,3)`, `(4,)`, `()`.
public func shapeString(_ shape: [Int]) -> String {
    if shape.count == 1 { return "(\(shape[0]),)" }
    return "(" + shape.map(String.init).joined(separator: ",") + ")"
}
