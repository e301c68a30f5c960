import Foundation
import Tessera

/// One conformance case from `Data/conformance_cases.json` (made by
/// `scripts/testdata/conformance_cases.py`) or `Data/conformance_conv_linalg.json` (made by
/// `scripts/testdata/conformance_conv_linalg.py`), both with `jax.lax`, x64 enabled, on CPU:
/// a primitive with its parameters, input tensors and the expected outputs.
public struct ConformanceCase: Sendable, CustomStringConvertible {
    /// `op/dtype/variant`, e.g. `div/int32/scalar`.
    public let name: String
    /// The primitive the case binds.
    public let primitive: Primitive
    /// The operands, in the primitive's order.
    public let inputs: [HostTensor]
    /// JAX's outputs.
    public let expected: [HostTensor]
    /// For `qr`, `eigh` and `svd`, whose vectors are unique only up to sign: the outputs are
    /// compared after `LinalgSigns.canonical` (nil for every other case).
    public let canonicalSigns: LinalgSigns?

    /// The case name.
    public var description: String { name }

    /// The primitive's spelling in the case names (`reduce_max`, `convert`), the matrix row.
    public var primitiveName: String { String(name.split(separator: "/").first ?? Substring(name)) }

    /// The dtype the matrix files the case under: the first operand's (the output's for iota).
    public var dtype: DType { (inputs.first ?? expected[0]).type.dtype }

    /// Every case in the committed files, decoded once.
    public static let all: [ConformanceCase] = ["conformance_cases", "conformance_conv_linalg"].flatMap { file in
        guard let url = Bundle.module.url(forResource: file, withExtension: "json", subdirectory: "Data"),
              let data = try? Data(contentsOf: url),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            fatalError("TesseraConformance: the resource Data/\(file).json is missing or unreadable")
        }
        return (root["cases"] as! [[String: Any]]).map(ConformanceCase.init(json:))
    }

    /// Decodes one case of the JSON file.
    public init(json: [String: Any]) {
        name = json["name"] as! String
        inputs = (json["inputs"] as! [[String: Any]]).map(HostTensor.init(json:))
        expected = (json["outputs"] as! [[String: Any]]).map(HostTensor.init(json:))
        primitive = ConformanceCase.primitive(json["primitive"] as! [String: Any], name: name)
        canonicalSigns = (json["canonical_signs"] as? String).map { LinalgSigns(rawValue: $0)! }
    }

    /// Builds the `Primitive` a case names (the JSON spelling follows `jax.lax`'s parameter names).
    static func primitive(_ p: [String: Any], name: String) -> Primitive {
        func ints(_ key: String) -> [Int] { (p[key] as! [Any]).map { ($0 as! NSNumber).intValue } }
        func int(_ key: String) -> Int { (p[key] as! NSNumber).intValue }
        func string(_ key: String) -> String { p[key] as! String }
        func dtype(_ key: String) -> DType { DType(name: string(key))! }
        switch string("kind") {
        case "unary": return .unary(UnaryOp(rawValue: string("op"))!)
        case "binary": return .binary(BinaryOp(rawValue: string("op"))!)
        case "compare": return .compare(CompareOp(rawValue: string("op"))!)
        case "select": return .select
        case "convert_element_type": return .convertElementType(newDType: dtype("new_dtype"), weakType: false)
        case "bitcast_convert_type": return .bitcastConvertType(newDType: dtype("new_dtype"))
        case "iota": return .iota(dtype: dtype("dtype"), shape: ints("shape"), dimension: int("dimension"))
        case "broadcast_in_dim": return .broadcastInDim(shape: ints("shape"), broadcastDimensions: ints("broadcast_dimensions"))
        case "reshape": return .reshape(newSizes: ints("new_sizes"))
        case "transpose": return .transpose(permutation: ints("permutation"))
        case "slice": return .slice(startIndices: ints("start_indices"), limitIndices: ints("limit_indices"), strides: ints("strides"))
        case "dynamic_slice": return .dynamicSlice(sliceSizes: ints("slice_sizes"))
        case "dynamic_update_slice": return .dynamicUpdateSlice
        case "pad":
            let config = (p["config"] as! [[NSNumber]]).map { PadConfig(low: $0[0].intValue, high: $0[1].intValue, interior: $0[2].intValue) }
            return .pad(config: config)
        case "concatenate": return .concatenate(dimension: int("dimension"))
        case "rev": return .rev(dimensions: ints("dimensions"))
        case "gather":
            let dn = GatherDimensionNumbers(offsetDims: ints("offset_dims"), collapsedSliceDims: ints("collapsed_slice_dims"),
                                            startIndexMap: ints("start_index_map"), operandBatchingDims: ints("operand_batching_dims"),
                                            startIndicesBatchingDims: ints("start_indices_batching_dims"))
            return .gather(dimensionNumbers: dn, sliceSizes: ints("slice_sizes"), mode: GatherMode(rawValue: string("mode"))!)
        case "scatter":
            let dn = ScatterDimensionNumbers(updateWindowDims: ints("update_window_dims"), insertedWindowDims: ints("inserted_window_dims"),
                                             scatterDimsToOperandDims: ints("scatter_dims_to_operand_dims"),
                                             operandBatchingDims: ints("operand_batching_dims"),
                                             scatterIndicesBatchingDims: ints("scatter_indices_batching_dims"))
            return .scatter(dimensionNumbers: dn, mode: ScatterMode(rawValue: string("mode"))!)
        case "reduce": return .reduce(ReduceOp(rawValue: string("op"))!, axes: ints("axes"))
        case "argreduce":
            return .argReduce(ArgReduceOp(rawValue: string("op"))!, axis: int("axis"), indexDType: dtype("index_dtype"))
        case "cumulative":
            return .cumulative(CumulativeOp(rawValue: string("op"))!, axis: int("axis"), reverse: p["reverse"] as! Bool)
        case "sort": return .sort(dimension: int("dimension"), isStable: true, numKeys: int("num_keys"))
        case "dot_general":
            let dn = DotDimensionNumbers(lhsContracting: ints("lhs_contracting"), rhsContracting: ints("rhs_contracting"),
                                         lhsBatch: ints("lhs_batch"), rhsBatch: ints("rhs_batch"))
            return .dotGeneral(dimensionNumbers: dn, preferredElementType: (p["preferred"] as? String).flatMap(DType.init(name:)))
        case "threefry2x32": return .threefry2x32
        case "stop_gradient": return .stopGradient
        case "conv_general_dilated":
            let dn = ConvDimensionNumbers(lhsSpec: ints("lhs_spec"), rhsSpec: ints("rhs_spec"), outSpec: ints("out_spec"))
            let padding = (p["padding"] as! [[NSNumber]]).map { ConvPadding($0[0].intValue, $0[1].intValue) }
            return .convGeneralDilated(ConvParams(windowStrides: ints("window_strides"), padding: padding,
                                                  lhsDilation: ints("lhs_dilation"), rhsDilation: ints("rhs_dilation"),
                                                  dimensionNumbers: dn, featureGroupCount: int("feature_group_count"),
                                                  batchGroupCount: int("batch_group_count")))
        case "linalg":
            func flag(_ key: String) -> Bool { p[key] as! Bool }
            switch string("op") {
            case "cholesky": return .linalg(.cholesky)
            case "triangular_solve":
                return .linalg(.triangularSolve(TriangularSolveOptions(leftSide: flag("left_side"), lower: flag("lower"),
                                                                        transposeA: flag("transpose_a"),
                                                                        unitDiagonal: flag("unit_diagonal"))))
            case "lu": return .linalg(.lu)
            case "qr": return .linalg(.qr(fullMatrices: (p["full_matrices"] as? Bool) ?? false))
            case "eigh": return .linalg(.eigh)
            case "svd": return .linalg(.svd(fullMatrices: (p["full_matrices"] as? Bool) ?? false))
            case let op: fatalError("conformance case \(name): unknown linalg op \(op)")
            }
        case let kind: fatalError("conformance case \(name): unknown primitive kind \(kind)")
        }
    }
}

