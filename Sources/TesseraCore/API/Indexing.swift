/// Read-only indexing and slicing, as NumPy's `x[...]` (see `TensorIndex` for every form).
///
/// ```swift
/// x[2]; x[-1]; x[1..<4]; x[1...]; a[0, 1]; a[.all, 1]; x[.slice(step: -1)]; x[idx]
/// ```
/// Tensors are immutable: there is no subscript setter, so `x[0] = 10` does not compile.
/// Use `x.at[0].set(10)` for a functional update.
///
/// Static integers, ranges and new axes become `slice`, `rev` and `reshape`; a traced
/// scalar index becomes `dynamic_slice`; integer index tensors become one `gather`.
extension Tensor {
    /// The element or sub-tensor at `index` of the first axis (negative counts from the end).
    ///
    /// ```swift
    /// Tensor.arange(10)[2]   // 2
    /// ```
    public subscript(_ index: Int) -> Tensor {
        self[index.tensorIndex]
    }

    /// The selection given by several indices, one per axis (ranges, integers, tensors,
    /// `.all`, `.ellipsis`, `.newAxis`, `.slice(_:_:step:)`).
    ///
    /// ```swift
    /// a[0, 1]; a[1..<3, .all]; a[.ellipsis, 0]
    /// ```
    public subscript(_ indices: any TensorIndexConvertible...) -> Tensor {
        read(IndexPlan(indices.map(\.tensorIndex), shape: shape, operation: "index"))
    }

    /// The whole tensor (`x[...]`).
    public subscript(_ all: UnboundedRange) -> Tensor { self }

    /// Evaluates a resolved index.
    func read(_ plan: IndexPlan) -> Tensor {
        plan.hasArrayIndex ? gatherRead(plan) : basicRead(plan)
    }

    /// Basic indexing: static slices (with `rev` for negative steps), then `dynamic_slice`
    /// for scalar tensor indices, then one reshape that drops indexed axes and adds new ones.
    private func basicRead(_ plan: IndexPlan) -> Tensor {
        var start = [Int](repeating: 0, count: rank), limit = shape
        var strides = [Int](repeating: 1, count: rank)
        var reversed: [Int] = []
        var dynamicAxes: [Int: Tensor] = [:]
        for item in plan.items {
            switch item {
            case .int(let a, let i):
                start[a] = i
                limit[a] = i + 1
            case .range(let a, let s, let c, let st):
                if c == 0 {
                    start[a] = 0
                    limit[a] = 0
                } else if st > 0 {
                    start[a] = s
                    limit[a] = s + (c - 1) * st + 1
                    strides[a] = st
                } else {
                    // Walk the reversed axis forwards: position p is n-1-p there.
                    reversed.append(a)
                    start[a] = shape[a] - 1 - s
                    limit[a] = start[a] + (c - 1) * (-st) + 1
                    strides[a] = -st
                }
            case .tensor(let a, let t):
                dynamicAxes[a] = t
            case .newAxis:
                break
            }
        }
        var y = Lax.slice(Lax.rev(self, axes: reversed), start: start, limit: limit, strides: strides)
        if !dynamicAxes.isEmpty {
            let zero = Tensor(literal: ScalarLiteral(.int(0), dtype: .int32))
            let starts = (0..<rank).map { a in dynamicAxes[a].map { wrappedIndex($0, size: shape[a]) } ?? zero }
            var sizes = y.shape
            for a in dynamicAxes.keys { sizes[a] = 1 }
            y = Lax.dynamicSlice(y, starts: starts, sizes: sizes)
        }
        return Lax.reshape(y, plan.basicShape)
    }

    /// Advanced indexing: one `gather` from the flattened tensor at the row-major positions
    /// of every selected element (index tensors clamped into bounds, as JAX).
    private func gatherRead(_ plan: IndexPlan) -> Tensor {
        let (positions, outShape) = FlatIndex.positions(plan, dropOutOfBounds: false)
        if count == 0 {
            if outShape.reduce(1, *) == 0 { return Lax.full(0, shape: outShape, dtype: dtype) }
            usageError("index: cannot take elements from an empty tensor of shape \(shapeString(shape))")
        }
        let dn = GatherDimensionNumbers(offsetDims: [], collapsedSliceDims: [0], startIndexMap: [0])
        return Lax.gather(flattened(), Lax.reshape(positions, outShape + [1]), dn, sliceSizes: [1], mode: .clip)
    }
}

/// `index` as int32 with negative values counted from the end of an axis of `size`.
func wrappedIndex(_ index: Tensor, size: Int) -> Tensor {
    let i = index.dtype == .int32 ? index : Lax.convert(index, to: .int32)
    if index.dtype == .uint32 { return i }
    return Tensor.where(i .< 0, i + Tensor(integerLiteral: size), i)
}
