/// Tensors from nested Swift arrays: each level of nesting is one axis.
///
/// ```swift
/// let a = Tensor([[1, 2], [3, 4]] as [[Float]])   // float32, shape [2, 2]
/// ```
/// Rows of different lengths stop with a message naming the ragged level.
extension Tensor {
    /// A 2-D tensor from rows of equal length.
    public init<S: TensorScalar>(_ rows: [[S]]) {
        let cols = rows.first?.count ?? 0
        for (i, r) in rows.enumerated() where r.count != cols {
            usageError("Tensor: ragged nested array: row \(i) has \(r.count) elements, row 0 has \(cols)")
        }
        self.init(rows.flatMap { $0 }, shape: [rows.count, cols])
    }

    /// A 3-D tensor from equally shaped matrices.
    public init<S: TensorScalar>(_ planes: [[[S]]]) {
        let rows = planes.first?.count ?? 0
        let cols = planes.first?.first?.count ?? 0
        for (i, p) in planes.enumerated() {
            if p.count != rows { usageError("Tensor: ragged nested array: block \(i) has \(p.count) rows, block 0 has \(rows)") }
            for (j, r) in p.enumerated() where r.count != cols {
                usageError("Tensor: ragged nested array: row [\(i)][\(j)] has \(r.count) elements, row [0][0] has \(cols)")
            }
        }
        self.init(planes.flatMap { $0.flatMap { $0 } }, shape: [planes.count, rows, cols])
    }
}
