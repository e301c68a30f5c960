/// Functional updates, as JAX's `x.at[i].set(v)`: tensors are immutable, so an update
/// returns a new tensor and leaves `x` unchanged.
///
/// ```swift
/// let y = x.at[0].set(10)
/// x.at[1..<3].add(1); a.at[0, .all].multiply(2); x.at[idx].max(v)
/// ```
/// Every index form of `TensorIndex` works. `v` is converted to `x`'s dtype and broadcast to
/// the shape of the selection. A rectangular selection (integers and step-1 ranges) is one
/// `scatter` of a window; any other selection scatters element positions, dropping
/// out-of-bounds index-tensor entries as JAX does. With duplicate indices `set` keeps one of
/// the updates and the other modes combine all of them.
extension Tensor {
    /// The helper whose subscript selects the elements to update.
    public var at: IndexUpdateHelper { IndexUpdateHelper(tensor: self) }
}

/// `x.at`: subscript it to choose the elements of a functional update.
public struct IndexUpdateHelper: Sendable {
    let tensor: Tensor

    /// The elements at `index` of the first axis.
    public subscript(_ index: Int) -> IndexUpdateRef { IndexUpdateRef(tensor: tensor, indices: [index.tensorIndex]) }

    /// The elements selected by several indices (see `TensorIndex`).
    public subscript(_ indices: any TensorIndexConvertible...) -> IndexUpdateRef {
        IndexUpdateRef(tensor: tensor, indices: indices.map(\.tensorIndex))
    }

    /// Every element (`x.at[...]`).
    public subscript(_ all: UnboundedRange) -> IndexUpdateRef { IndexUpdateRef(tensor: tensor, indices: [.ellipsis]) }
}

/// `x.at[i]`: the update to apply to the selected elements.
public struct IndexUpdateRef: Sendable {
    let tensor: Tensor
    let indices: [TensorIndex]

    /// `x` with the selected elements replaced by `values`.
    ///
    /// ```swift
    /// Tensor.arange(5).at[0].set(10)   // [10 1 2 3 4]
    /// ```
    public func set(_ values: Tensor) -> Tensor { scatter(.set, values, "at[].set") }
    /// `x` with `values` added to the selected elements.
    public func add(_ values: Tensor) -> Tensor { scatter(.add, values, "at[].add") }
    /// `x` with the selected elements multiplied by `values`.
    public func multiply(_ values: Tensor) -> Tensor { scatter(.mul, values, "at[].multiply") }
    /// `x` with the selected elements replaced by their minimum with `values`.
    public func min(_ values: Tensor) -> Tensor { scatter(.min, values, "at[].min") }
    /// `x` with the selected elements replaced by their maximum with `values`.
    public func max(_ values: Tensor) -> Tensor { scatter(.max, values, "at[].max") }
    /// The selected elements (the same as `x[i]`).
    public func get() -> Tensor { tensor.read(IndexPlan(indices, shape: tensor.shape, operation: "at[].get")) }

    private func scatter(_ mode: ScatterMode, _ values: Tensor, _ operation: String) -> Tensor {
        let x = tensor
        let plan = IndexPlan(indices, shape: x.shape, operation: operation)
        let v = Elementwise.convert(values, to: x.dtype, weak: false)
        if x.rank == 0 {
            let update = Lax.reshape(v.broadcast(to: plan.basicShape, operation: operation), [])
            let current = Elementwise.convert(x, to: x.dtype, weak: false)
            switch mode {
            case .set: return update
            case .add: return Lax.binary(.add, current, update)
            case .mul: return Lax.binary(.mul, current, update)
            case .min: return Lax.binary(.min, current, update)
            case .max: return Lax.binary(.max, current, update)
            }
        }
        if plan.isWindow {
            var starts = [Int](repeating: 0, count: x.rank)
            var inserted: [Int] = []
            for item in plan.items {
                switch item {
                case .int(let a, let i):
                    starts[a] = i
                    inserted.append(a)
                case .range(let a, let s, let c, _):
                    if c == 0 { return x }
                    starts[a] = s
                case .tensor, .newAxis:
                    usageError("internal error: a window update with a tensor index or new axis")
                }
            }
            let updates = v.broadcast(to: plan.basicShape, operation: operation)
            let dn = ScatterDimensionNumbers(updateWindowDims: Array(0..<updates.rank), insertedWindowDims: inserted,
                                             scatterDimsToOperandDims: Array(0..<x.rank))
            let startTensor = Tensor(starts.map { Int32($0) }, shape: [x.rank])
            return Lax.scatter(x, startTensor, updates, dn, mode: mode)
        }
        let (positions, outShape) = FlatIndex.positions(plan, dropOutOfBounds: true)
        if outShape.reduce(1, *) == 0 { return x }
        let updates = v.broadcast(to: outShape, operation: operation)
        let dn = ScatterDimensionNumbers(updateWindowDims: [], insertedWindowDims: [0], scatterDimsToOperandDims: [0])
        let flat = Lax.scatter(x.flattened(), Lax.reshape(positions, outShape + [1]), updates, dn, mode: mode)
        return Lax.reshape(flat, x.shape)
    }
}
