/// Matrix products with NumPy semantics, each one `dot_general` (batched products use its
/// batch dimensions, never a loop over the batch).

/// Matrix product as `numpy.matmul`: 1-D operands are vectors (the product has no axis for
/// them), operands of rank > 2 are stacks of matrices whose leading (batch) axes broadcast.
///
/// ```swift
/// matmul(a, b)            // [m,k] x [k,n] -> [m,n]
/// matmul(x, w).shape      // [8,3,4] x [4,5] -> [8,3,5]
/// ```
public func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
    if a.rank == 0 || b.rank == 0 {
        usageError("matmul: operands must have at least one axis, got shapes \(shapeString(a.shape)) \(shapeString(b.shape)); use * for scalars")
    }
    let (x, y) = promotedPair(a, b)
    let lhsK = x.rank - 1
    let rhsK = y.rank == 1 ? 0 : y.rank - 2
    checkContraction("matmul", x, lhsK, y, rhsK)
    if x.rank <= 2 || y.rank <= 2 {
        if x.rank > 2 && y.rank == 2 {
            // A stack of matrices times one matrix: contract, no batch axes needed.
            return Lax.dotGeneral(x, y, DotDimensionNumbers(lhsContracting: [lhsK], rhsContracting: [rhsK]))
        }
        if x.rank == 2 && y.rank > 2 {
            // One matrix times a stack: dot_general gives [m, batch..., n]; move m in place.
            let r = Lax.dotGeneral(x, y, DotDimensionNumbers(lhsContracting: [lhsK], rhsContracting: [rhsK]))
            let nb = y.rank - 2
            return Lax.transpose(r, Array(1...nb) + [0, nb + 1])
        }
        return Lax.dotGeneral(x, y, DotDimensionNumbers(lhsContracting: [lhsK], rhsContracting: [rhsK]))
    }
    let batch = broadcastShapes("matmul", Array(x.shape.dropLast(2)), Array(y.shape.dropLast(2)))
    let nb = batch.count
    let xb = x.broadcast(to: batch + x.shape.suffix(2), operation: "matmul")
    let yb = y.broadcast(to: batch + y.shape.suffix(2), operation: "matmul")
    let dn = DotDimensionNumbers(lhsContracting: [nb + 1], rhsContracting: [nb],
                                 lhsBatch: Array(0..<nb), rhsBatch: Array(0..<nb))
    return Lax.dotGeneral(xb, yb, dn)
}

/// Dot product as `numpy.dot`: scalars multiply, 1-D x 1-D is the inner product, and
/// otherwise the last axis of `a` is contracted with the second-to-last axis of `b` (its
/// only axis if 1-D); the result has `a`'s other axes followed by `b`'s.
///
/// ```swift
/// dot(v, w)   // inner product
/// ```
public func dot(_ a: Tensor, _ b: Tensor) -> Tensor {
    if a.rank == 0 || b.rank == 0 { return a * b }
    let (x, y) = promotedPair(a, b)
    let lhsK = x.rank - 1
    let rhsK = y.rank == 1 ? 0 : y.rank - 2
    checkContraction("dot", x, lhsK, y, rhsK)
    return Lax.dotGeneral(x, y, DotDimensionNumbers(lhsContracting: [lhsK], rhsContracting: [rhsK]))
}

extension Tensor {
    /// Matrix product as `numpy.matmul` (see the free function `matmul(_:_:)`).
    public static func matmul(_ a: Tensor, _ b: Tensor) -> Tensor { TesseraCore.matmul(a, b) }
    /// Dot product as `numpy.dot` (see the free function `dot(_:_:)`).
    public static func dot(_ a: Tensor, _ b: Tensor) -> Tensor { TesseraCore.dot(a, b) }
}

/// Both operands converted to their promoted dtype.
private func promotedPair(_ a: Tensor, _ b: Tensor) -> (Tensor, Tensor) {
    let (dtype, weak) = Elementwise.resultType([a, b])
    return (Elementwise.convert(a, to: dtype, weak: weak), Elementwise.convert(b, to: dtype, weak: weak))
}

/// Stops when the contracted axes differ in size.
private func checkContraction(_ operation: String, _ x: Tensor, _ lhsK: Int, _ y: Tensor, _ rhsK: Int) {
    if x.shape[lhsK] != y.shape[rhsK] {
        usageError("\(operation): shapes \(shapeString(x.shape)) and \(shapeString(y.shape)) not aligned: size \(x.shape[lhsK]) of axis \(lhsK) differs from size \(y.shape[rhsK]) of axis \(rhsK)")
    }
}
