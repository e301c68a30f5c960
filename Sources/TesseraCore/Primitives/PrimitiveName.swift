/// The primitive's printed name, as JAX prints it in jaxprs (`mul`, `reduce_sum`,
/// `select_n`, `scatter-add`, ...).
public func printedName(_ primitive: Primitive) -> String {
    switch primitive {
    case .unary(let op): return op.rawValue
    case .binary(let op): return op.rawValue
    case .compare(let op): return op.rawValue
    case .select: return "select_n"
    case .convertElementType: return "convert_element_type"
    case .bitcastConvertType: return "bitcast_convert_type"
    case .iota: return "iota"
    case .broadcastInDim: return "broadcast_in_dim"
    case .reshape: return "reshape"
    case .transpose: return "transpose"
    case .slice: return "slice"
    case .dynamicSlice: return "dynamic_slice"
    case .dynamicUpdateSlice: return "dynamic_update_slice"
    case .pad: return "pad"
    case .concatenate: return "concatenate"
    case .rev: return "rev"
    case .gather: return "gather"
    case .scatter(_, let mode): return mode.primitiveName
    case .reduce(let op, _): return op.primitiveName
    case .argReduce(let op, _, _): return op.rawValue
    case .cumulative(let op, _, _): return op.rawValue
    case .sort: return "sort"
    case .dotGeneral: return "dot_general"
    case .convGeneralDilated: return "conv_general_dilated"
    case .linalg(let op): return op.primitiveName
    case .threefry2x32: return "threefry2x32"
    case .stopGradient: return "stop_gradient"
    case .cond: return "cond"
    case .whileLoop: return "while"
    case .scan: return "scan"
    case .collective(let op, _, _): return op.primitiveName
    }
}

extension Primitive {
    /// Whether the primitive is structured control flow, run by the core rather than
    /// passed to a backend's `execute`.
    public var isControlFlow: Bool {
        switch self {
        case .cond, .whileLoop, .scan: return true
        case .convGeneralDilated, .linalg: return false
        case .unary, .binary, .compare, .select, .convertElementType, .bitcastConvertType, .iota,
             .broadcastInDim, .reshape, .transpose, .slice, .dynamicSlice, .dynamicUpdateSlice, .pad,
             .concatenate, .rev, .gather, .scatter, .reduce, .argReduce, .cumulative, .sort, .dotGeneral,
             .threefry2x32, .stopGradient, .collective:
            return false
        }
    }

    /// Whether the primitive is a collective (run by the `pmap` runtime).
    public var isCollective: Bool {
        if case .collective = self { return true }
        return false
    }
}
