import Foundation
@testable import Tessera

/// One conformance case from `Data/conformance_cases.json` (made by
/// `scripts/testdata/conformance_cases.py` with `jax.lax`, x64 enabled, on CPU): a
/// primitive with its parameters, input tensors and the expected outputs.
struct ConformanceCase: Sendable, CustomStringConvertible {
    /// `op/dtype/variant`, e.g. `div/int32/scalar`.
    let name: String
    let primitive: Primitive
    let inputs: [HostTensor]
    let expected: [HostTensor]

    var description: String { name }

    /// Every case in the committed file, decoded once.
    static let all: [ConformanceCase] = {
        let root = TestData.json("conformance_cases.json") as! [String: Any]
        return (root["cases"] as! [[String: Any]]).map(ConformanceCase.init(json:))
    }()

    init(json: [String: Any]) {
        name = json["name"] as! String
        inputs = (json["inputs"] as! [[String: Any]]).map(HostTensor.init(json:))
        expected = (json["outputs"] as! [[String: Any]]).map(HostTensor.init(json:))
        primitive = ConformanceCase.primitive(json["primitive"] as! [String: Any], name: name)
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
        case let kind: fatalError("conformance case \(name): unknown primitive kind \(kind)")
        }
    }
}

/// A tensor's dtype, shape and row-major elements on the host, with the exact bytes.
struct HostTensor: Sendable {
    let type: ShapedType
    /// Little-endian element bytes.
    let bytes: [UInt8]

    init(type: ShapedType, bytes: [UInt8]) {
        self.type = type
        self.bytes = bytes
    }

    /// From `{"dtype", "shape", "values"}`: floats are decimal strings ("-0.0", "nan",
    /// "inf"), int64 values are strings, other integers numbers, bools JSON booleans.
    init(json: [String: Any]) {
        let dtype = DType(name: json["dtype"] as! String)!
        let shape = (json["shape"] as! [Any]).map { ($0 as! NSNumber).intValue }
        type = ShapedType(shape, dtype)
        var out: [UInt8] = []
        out.reserveCapacity(type.byteCount)
        for v in json["values"] as! [Any] {
            func append<T>(_ x: T) { withUnsafeBytes(of: x) { out.append(contentsOf: $0) } }
            switch dtype {
            case .bool: append(UInt8((v as? Bool ?? ((v as! NSNumber).intValue != 0)) ? 1 : 0))
            case .int32: append(Int32((v as! NSNumber).int64Value))
            case .uint32: append(UInt32((v as! NSNumber).int64Value))
            case .int64: append(v is String ? Int64(v as! String)! : (v as! NSNumber).int64Value)
            case .float16: append(Float16(HostTensor.double(v)))
            case .float32: append(Float(HostTensor.double(v)))
            case .float64: append(HostTensor.double(v))
            }
        }
        precondition(out.count == type.byteCount, "values do not fill \(type)")
        bytes = out
    }

    static func double(_ v: Any) -> Double {
        if let s = v as? String {
            switch s {
            case "nan": return .nan
            case "inf": return .infinity
            case "-inf": return -.infinity
            default: return Double(s)!
            }
        }
        return (v as! NSNumber).doubleValue
    }

    /// The element at `i` as a Double (floats exactly; integers exactly up to 2^53).
    func double(at i: Int) -> Double {
        bytes.withUnsafeBytes { p in
            switch type.dtype {
            case .bool: return Double(p.load(fromByteOffset: i, as: UInt8.self))
            case .int32: return Double(p.loadUnaligned(fromByteOffset: i * 4, as: Int32.self))
            case .uint32: return Double(p.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))
            case .int64: return Double(p.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))
            case .float16: return Double(p.loadUnaligned(fromByteOffset: i * 2, as: Float16.self))
            case .float32: return Double(p.loadUnaligned(fromByteOffset: i * 4, as: Float.self))
            case .float64: return p.loadUnaligned(fromByteOffset: i * 8, as: Double.self)
            }
        }
    }

    /// The element at `i` printed in its dtype (exact, for messages).
    func text(at i: Int) -> String {
        if type.dtype == .int64 {
            return String(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: i * 8, as: Int64.self) })
        }
        if type.dtype == .bool { return bytes[i] != 0 ? "true" : "false" }
        let d = double(at: i)
        return type.dtype.isFloatingPoint ? "\(d)" : String(Int64(d))
    }

    /// The tensor on `device`.
    func tensor(on device: Device) -> Tensor {
        Tensor(bytes: bytes, type: type, on: device)
    }
}
