import Testing
@testable import Tessera

/// Creation functions, shape operations, indexing and functional updates against JAX
/// (api_shapes.json). Index specs in the data map to the Swift spellings of `TensorIndex`.
@Suite struct ShapeConformanceTests {
    /// The Swift index for one encoded index spec (see scripts/testdata/api_shapes.py).
    static func index(_ spec: [String: Any], _ args: [Tensor]) -> any TensorIndexConvertible {
        let (key, value) = spec.first!
        let pair = value as? [Any?]
        func int(_ v: Any?) -> Int? { v as? Int }
        switch key {
        case "int": return value as! Int
        case "range": return int(pair![0])!..<int(pair![1])!
        case "closed": return int(pair![0])!...int(pair![1])!
        case "from": return (value as! Int)...
        case "upTo": return ..<(value as! Int)
        case "through": return ...(value as! Int)
        case "slice": return TensorIndex.slice(int(pair![0]), int(pair![1]), step: int(pair![2]) ?? 1)
        case "all": return TensorIndex.all
        case "stride": return stride(from: int(pair![0])!, to: int(pair![1])!, by: int(pair![2])!)
        case "newAxis": return TensorIndex.newAxis
        case "ellipsis": return TensorIndex.ellipsis
        case "tensor": return args[value as! Int]
        default: fatalError("unknown index spec \(key)")
        }
    }

    /// Applies a list of indices through the variadic subscript (spelled out per count, as
    /// a user would write them).
    static func subscriptRead(_ x: Tensor, _ ix: [any TensorIndexConvertible]) -> Tensor {
        switch ix.count {
        case 1: return x[ix[0]]
        case 2: return x[ix[0], ix[1]]
        case 3: return x[ix[0], ix[1], ix[2]]
        case 4: return x[ix[0], ix[1], ix[2], ix[3]]
        default: fatalError("too many indices in test data")
        }
    }

    static func updateRef(_ x: Tensor, _ ix: [any TensorIndexConvertible]) -> IndexUpdateRef {
        switch ix.count {
        case 1: return x.at[ix[0]]
        case 2: return x.at[ix[0], ix[1]]
        case 3: return x.at[ix[0], ix[1], ix[2]]
        default: fatalError("too many indices in test data")
        }
    }

    static func apply(_ c: APICase) -> [Tensor]? {
        let dtype = (c.params["dtype"] as? String).flatMap { DType(name: $0) }
        let indices = (c.params["index"] as? [[String: Any]])?.map { index($0, c.args) } ?? []
        switch c.op {
        case "arange": return [Tensor.arange(c.int("end"))]
        case "arangeInt": return [Tensor.arange(start: c.int("start"), end: c.int("end"), step: c.int("step"), dtype: dtype ?? .int32)]
        case "arangeFloat":
            return [Tensor.arange(start: c.params["start"] as! Double, end: c.params["end"] as! Double, step: c.params["step"] as! Double)]
        case "zeros": return [Tensor.zeros(c.ints("shape"), dtype: dtype ?? .float32)]
        case "ones": return [Tensor.ones(c.ints("shape"), dtype: dtype ?? .float32)]
        case "full": return [Tensor.full(c.ints("shape"), c.params["value"] as! Double, dtype: dtype ?? .float32)]
        case "eye": return [Tensor.eye(c.int("n"), m: c.params["m"] as? Int, k: c.int("k"), dtype: dtype!)]
        case "linspace":
            return [Tensor.linspace(c.params["start"] as! Double, c.params["stop"] as! Double, count: c.int("count"),
                                    endpoint: c.bool("endpoint"), dtype: dtype!)]
        case "reshape": return [c.args[0].reshaped(c.ints("shape"))]
        case "transpose": return [c.args[0].transposed(c.optionalInts("perm"))]
        case "T": return [c.args[0].T]
        case "squeeze": return [c.args[0].squeezed(axes: c.optionalInts("axes"))]
        case "expandDims": return [c.args[0].expandedDims(axis: c.int("axis"))]
        case "flatten": return [c.args[0].flattened()]
        case "broadcastTo": return [c.args[0].broadcast(to: c.ints("shape"))]
        case "asType": return [c.args[0].asType(dtype!)]
        case "concatenate": return [concatenate(c.args, axis: c.int("axis"))]
        case "stack": return [stack(c.args, axis: c.int("axis"))]
        case "splitCount": return split(c.args[0], count: c.int("count"), axis: c.int("axis"))
        case "splitIndices": return split(c.args[0], indices: c.ints("indices"), axis: c.int("axis"))
        case "index": return [subscriptRead(c.args[0], indices)]
        case "at_set": return [updateRef(c.args[0], indices).set(c.args[1])]
        case "at_add": return [updateRef(c.args[0], indices).add(c.args[1])]
        case "at_multiply": return [updateRef(c.args[0], indices).multiply(c.args[1])]
        case "at_min": return [updateRef(c.args[0], indices).min(c.args[1])]
        case "at_max": return [updateRef(c.args[0], indices).max(c.args[1])]
        default: return nil
        }
    }

    @Test func casesMatchJAX() {
        APICase.runAll("api_shapes.json", Self.apply)
    }
}
