/// The parameters of each primitive as JAX prints them in a jaxpr: JAX's names, sorted by
/// name, Python spellings of values (`(1,)`, `True`, `int32`, `None`). Sharding parameters
/// that JAX prints as `None` are left out.
enum JaxprParams {
    /// A printed parameter value: text, or sub-jaxprs printed by the jaxpr printer.
    enum Value {
        case text(String)
        case jaxpr(ClosedJaxpr)
        case jaxprs([ClosedJaxpr])
    }

    /// A Python tuple of integers: `()`, `(1,)`, `(1, 0)`.
    static func tuple(_ xs: [Int]) -> String {
        xs.count == 1 ? "(\(xs[0]),)" : "(" + xs.map(String.init).joined(separator: ", ") + ")"
    }
    /// A Python list of integers: `[1, 0]`.
    static func list(_ xs: [Int]) -> String { "[" + xs.map(String.init).joined(separator: ", ") + "]" }
    static func bool(_ b: Bool) -> String { b ? "True" : "False" }

    /// `(key, value)` pairs in printing order.
    static func params(of primitive: Primitive) -> [(String, Value)] {
        switch primitive {
        case .unary, .binary, .compare, .select, .dynamicUpdateSlice, .threefry2x32, .stopGradient:
            return []
        case .convertElementType(let dtype, let weak):
            return [("new_dtype", .text(dtype.description)), ("weak_type", .text(bool(weak)))]
        case .bitcastConvertType(let dtype):
            return [("new_dtype", .text(dtype.description))]
        case .iota(let dtype, let shape, let dimension):
            return [("dimension", .text("\(dimension)")), ("dtype", .text(dtype.description)), ("shape", .text(tuple(shape)))]
        case .broadcastInDim(_, let dims):
            // JAX 0.10 prints only non-empty broadcast dimensions (the shape is in the binder).
            return dims.isEmpty ? [] : [("broadcast_dimensions", .text(tuple(dims)))]
        case .reshape(let sizes):
            return [("dimensions", .text("None")), ("new_sizes", .text(tuple(sizes)))]
        case .transpose(let perm):
            return [("permutation", .text(tuple(perm)))]
        case .slice(let start, let limit, let strides):
            let s = strides.allSatisfy({ $0 == 1 }) ? "None" : tuple(strides)
            return [("limit_indices", .text(tuple(limit))), ("start_indices", .text(tuple(start))), ("strides", .text(s))]
        case .dynamicSlice(let sizes):
            return [("slice_sizes", .text(tuple(sizes)))]
        case .pad(let config):
            let items = config.map { "(\($0.low), \($0.high), \($0.interior))" }
            let text = items.count == 1 ? "(\(items[0]),)" : "(" + items.joined(separator: ", ") + ")"
            return [("padding_config", .text(text))]
        case .concatenate(let dimension):
            return [("dimension", .text("\(dimension)"))]
        case .rev(let dims):
            return [("dimensions", .text(tuple(dims)))]
        case .gather(let dn, let sizes, let mode):
            let dnText = "GatherDimensionNumbers(offset_dims=\(tuple(dn.offsetDims)), collapsed_slice_dims=\(tuple(dn.collapsedSliceDims)), start_index_map=\(tuple(dn.startIndexMap)), operand_batching_dims=\(tuple(dn.operandBatchingDims)), start_indices_batching_dims=\(tuple(dn.startIndicesBatchingDims)))"
            let modeText = mode == .clip ? "GatherScatterMode.CLIP" : "GatherScatterMode.FILL_OR_DROP"
            return [("dimension_numbers", .text(dnText)), ("fill_value", .text("None")),
                    ("indices_are_sorted", .text("False")), ("mode", .text(modeText)),
                    ("slice_sizes", .text(tuple(sizes))), ("unique_indices", .text("False"))]
        case .scatter(let dn, _):
            let dnText = "ScatterDimensionNumbers(update_window_dims=\(tuple(dn.updateWindowDims)), inserted_window_dims=\(tuple(dn.insertedWindowDims)), scatter_dims_to_operand_dims=\(tuple(dn.scatterDimsToOperandDims)), operand_batching_dims=\(tuple(dn.operandBatchingDims)), scatter_indices_batching_dims=\(tuple(dn.scatterIndicesBatchingDims)))"
            return [("dimension_numbers", .text(dnText)), ("indices_are_sorted", .text("False")),
                    ("mode", .text("GatherScatterMode.FILL_OR_DROP")), ("unique_indices", .text("False")),
                    ("update_consts", .text("()")), ("update_jaxpr", .text("None"))]
        case .reduce(_, let axes):
            return [("axes", .text(tuple(axes)))]
        case .argReduce(_, let axis, let indexDType):
            return [("axes", .text(tuple([axis]))), ("index_dtype", .text(indexDType.description))]
        case .cumulative(_, let axis, let reverse):
            return [("axis", .text("\(axis)")), ("reverse", .text(bool(reverse)))]
        case .sort(let dimension, let stable, let numKeys):
            return [("dimension", .text("\(dimension)")), ("is_stable", .text(bool(stable))), ("num_keys", .text("\(numKeys)"))]
        case .dotGeneral(let dn, let preferred):
            let text = "((\(list(dn.lhsContracting)), \(list(dn.rhsContracting))), (\(list(dn.lhsBatch)), \(list(dn.rhsBatch))))"
            var out: [(String, Value)] = [("dimension_numbers", .text(text))]
            if let preferred { out.append(("preferred_element_type", .text(preferred.description))) }
            return out
        case .convGeneralDilated(let p): return ConvRules.params(p).map { ($0.0, .text($0.1)) }
        case .linalg(let op): return op.params.map { ($0.0, .text($0.1)) }
        case .cond(let branches):
            return [("branches", .jaxprs(branches))]
        case .whileLoop(let cond, let body, let nc, let nb):
            return [("body_jaxpr", .jaxpr(body)), ("body_nconsts", .text("\(nb)")),
                    ("cond_jaxpr", .jaxpr(cond)), ("cond_nconsts", .text("\(nc)"))]
        case .scan(let body, let length, let reverse, let nConsts, let nCarry):
            return [("jaxpr", .jaxpr(body)), ("length", .text("\(length)")), ("num_carry", .text("\(nCarry)")),
                    ("num_consts", .text("\(nConsts)")), ("reverse", .text(bool(reverse))), ("unroll", .text("1"))]
        case .collective(let op, let axisName, _):
            return CollectiveRules.params(op, axisName: axisName).map { ($0.0, .text($0.1)) }
        }
    }
}
