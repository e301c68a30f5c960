/// Shape rules of `gather`, `scatter` and `dot_general` (XLA semantics; the index
/// vector is the last axis of the indices).
enum GatherShapes {
    static func outputType(operand: ShapedType, indices: ShapedType, dimensionNumbers dn: GatherDimensionNumbers,
                           sliceSizes: [Int], fail: (String) -> Never) -> ShapedType {
        if !indices.dtype.isInteger { fail("indices must be an integer type, got \(indices.dtype)") }
        if indices.rank < 1 { fail("indices must have at least one axis (the index vector)") }
        let indexVectorSize = indices.shape[indices.rank - 1]
        if dn.startIndexMap.count != indexVectorSize {
            fail("start_index_map \(dn.startIndexMap) must have one entry per index component (\(indexVectorSize))")
        }
        if sliceSizes.count != operand.rank { fail("slice_sizes \(sliceSizes) must have one entry per operand axis (rank \(operand.rank))") }
        for (i, s) in sliceSizes.enumerated() where s < 0 || s > operand.shape[i] {
            fail("slice size \(s) exceeds operand axis \(i) of size \(operand.shape[i])")
        }
        for d in dn.collapsedSliceDims + dn.operandBatchingDims where d < 0 || d >= operand.rank || sliceSizes[d] > 1 {
            fail("collapsed or batching operand axis \(d) must exist and have slice size <= 1")
        }
        for d in dn.startIndexMap where d < 0 || d >= operand.rank { fail("start_index_map entry \(d) is not an operand axis") }
        if dn.operandBatchingDims.count != dn.startIndicesBatchingDims.count {
            fail("operand_batching_dims and start_indices_batching_dims must have equal length")
        }
        let batchShape = Array(indices.shape.dropLast())
        let offsetSizes = sliceSizes.enumerated()
            .filter { !dn.collapsedSliceDims.contains($0.offset) && !dn.operandBatchingDims.contains($0.offset) }
            .map(\.element)
        if offsetSizes.count != dn.offsetDims.count {
            fail("offset_dims \(dn.offsetDims) must have one entry per non-collapsed slice axis (\(offsetSizes.count))")
        }
        let outRank = batchShape.count + offsetSizes.count
        var shape = [Int](repeating: 0, count: outRank)
        var b = 0, o = 0
        for i in 0..<outRank {
            if let k = dn.offsetDims.firstIndex(of: i) {
                shape[i] = offsetSizes[k]
                o += 1
            } else {
                if b >= batchShape.count { fail("offset_dims \(dn.offsetDims) are not valid output axes") }
                shape[i] = batchShape[b]
                b += 1
            }
        }
        return ShapedType(shape, operand.dtype)
    }

    static func checkScatter(operand: ShapedType, indices: ShapedType, updates: ShapedType,
                             dimensionNumbers dn: ScatterDimensionNumbers, fail: (String) -> Never) {
        if !indices.dtype.isInteger { fail("indices must be an integer type, got \(indices.dtype)") }
        if indices.rank < 1 { fail("indices must have at least one axis (the index vector)") }
        if updates.dtype != operand.dtype { fail("updates dtype \(updates.dtype) differs from operand dtype \(operand.dtype)") }
        let indexVectorSize = indices.shape[indices.rank - 1]
        if dn.scatterDimsToOperandDims.count != indexVectorSize {
            fail("scatter_dims_to_operand_dims \(dn.scatterDimsToOperandDims) must have one entry per index component (\(indexVectorSize))")
        }
        let batchRank = indices.rank - 1
        if updates.rank != batchRank + dn.updateWindowDims.count {
            fail("updates \(updates) must have rank \(batchRank + dn.updateWindowDims.count) (index batch axes plus window axes)")
        }
        if dn.updateWindowDims.count + dn.insertedWindowDims.count + dn.operandBatchingDims.count != operand.rank {
            fail("window axes, inserted axes and batching axes must add up to the operand rank \(operand.rank)")
        }
    }
}

enum DotShapes {
    static func outputType(lhs: ShapedType, rhs: ShapedType, dimensionNumbers dn: DotDimensionNumbers,
                           preferred: DType?, fail: (String) -> Never) -> ShapedType {
        if lhs.dtype != rhs.dtype { fail("operands have different dtypes \(lhs.dtype) and \(rhs.dtype)") }
        if dn.lhsContracting.count != dn.rhsContracting.count || dn.lhsBatch.count != dn.rhsBatch.count {
            fail("contracting and batch dimension lists must pair up: \(dn)")
        }
        for d in dn.lhsContracting + dn.lhsBatch where d < 0 || d >= lhs.rank { fail("lhs axis \(d) is out of bounds for rank \(lhs.rank)") }
        for d in dn.rhsContracting + dn.rhsBatch where d < 0 || d >= rhs.rank { fail("rhs axis \(d) is out of bounds for rank \(rhs.rank)") }
        for (l, r) in zip(dn.lhsContracting, dn.rhsContracting) where lhs.shape[l] != rhs.shape[r] {
            fail("contracting axes have different sizes: lhs \(shapeString(lhs.shape)) axis \(l) vs rhs \(shapeString(rhs.shape)) axis \(r)")
        }
        for (l, r) in zip(dn.lhsBatch, dn.rhsBatch) where lhs.shape[l] != rhs.shape[r] {
            fail("batch axes have different sizes: lhs \(shapeString(lhs.shape)) axis \(l) vs rhs \(shapeString(rhs.shape)) axis \(r)")
        }
        let batch = dn.lhsBatch.map { lhs.shape[$0] }
        let lhsFree = (0..<lhs.rank).filter { !dn.lhsContracting.contains($0) && !dn.lhsBatch.contains($0) }.map { lhs.shape[$0] }
        let rhsFree = (0..<rhs.rank).filter { !dn.rhsContracting.contains($0) && !dn.rhsBatch.contains($0) }.map { rhs.shape[$0] }
        return ShapedType(batch + lhsFree + rhsFree, preferred ?? lhs.dtype)
    }
}
