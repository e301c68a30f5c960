/// An affine function of the kernel's index-space coordinates: `offset + Σ coefs[k] * i[k]`.
struct Affine: Hashable {
    var offset: Int
    var coefs: [Int]

    static func zero(_ rank: Int) -> Affine { Affine(offset: 0, coefs: [Int](repeating: 0, count: rank)) }
    static func coordinate(_ k: Int, rank: Int) -> Affine {
        var a = zero(rank)
        a.coefs[k] = 1
        return a
    }
    static func + (a: Affine, b: Affine) -> Affine {
        Affine(offset: a.offset + b.offset, coefs: zip(a.coefs, b.coefs).map { $0 + $1 })
    }
    static func * (s: Int, a: Affine) -> Affine { Affine(offset: s * a.offset, coefs: a.coefs.map { s * $0 }) }
}

/// How a value of the fused program is indexed from the kernel's coordinates: per axis of
/// the value (`dims`), or only as its row-major element position (`linear`, after a reshape).
enum ValueMap: Hashable {
    case dims([Affine])
    case linear(Affine)
}

/// Thrown when a value cannot be indexed affinely (a reshape followed by a broadcast that
/// splits an index dimension); the fusion pass then stores that value in a buffer.
struct FusionBoundary: Error {
    let variable: JaxprVar
}

/// Thrown when an epilogue needs the reduction's result at another element than the one
/// being computed (the consumer is then a separate kernel).
struct EpilogueMismatch: Error {}

/// The input buffers of a kernel, shared by its body and epilogue builders.
final class KernelInputs {
    private(set) var vars: [JaxprVar] = []
    private var index: [ObjectIdentifier: Int] = [:]

    /// The input number of `v`, adding it on first use.
    func number(of v: JaxprVar) -> Int {
        let id = ObjectIdentifier(v)
        if let i = index[id] { return i }
        vars.append(v)
        index[id] = vars.count - 1
        return vars.count - 1
    }
}

/// Builds one kernel's body (or a reduction's epilogue) by inlining fused equations at the
/// index maps their consumers need (movement ops become index arithmetic on loads).
final class KernelBuilder {
    let indexSpace: [Int]
    private(set) var body: [KernelInstruction] = []
    let inputs: KernelInputs
    private var memo: [MemoKey: KernelValue] = [:]
    private var instructionIndex: [KernelInstruction: KernelValue] = [:]
    /// The fused equation producing a variable, or nil for a leaf (a kernel input).
    let producer: (JaxprVar) -> JaxprEquation?
    /// In an epilogue: the reduction's result variable, read as `accumulator` (of the
    /// accumulator's dtype, converted to the result's dtype when they differ).
    let accumulator: (variable: JaxprVar, dtype: DType)?

    struct MemoKey: Hashable {
        let variable: ObjectIdentifier
        let map: ValueMap
    }

    init(indexSpace: [Int], inputs: KernelInputs = KernelInputs(), accumulator: (variable: JaxprVar, dtype: DType)? = nil,
         producer: @escaping (JaxprVar) -> JaxprEquation?) {
        self.indexSpace = indexSpace
        self.inputs = inputs
        self.accumulator = accumulator
        self.producer = producer
    }

    var rank: Int { indexSpace.count }

    /// The identity map of a value with the index space's shape.
    var identity: ValueMap { .dims((0..<rank).map { Affine.coordinate($0, rank: rank) }) }

    func add(_ op: KernelOp, _ dtype: DType) -> KernelValue {
        let inst = KernelInstruction(op, dtype)
        if let v = instructionIndex[inst] { return v }
        body.append(inst)
        instructionIndex[inst] = body.count - 1
        return body.count - 1
    }

    func dtype(of v: KernelValue) -> DType { body[v].dtype }

    /// The value of `atom` at the index given by `map`.
    func emit(_ atom: JaxprAtom, _ map: ValueMap) throws -> KernelValue {
        switch atom {
        case .literal(let l): return add(.literal(l), l.dtype)
        case .variable(let v): return try emit(v, map)
        }
    }

    func emit(_ v: JaxprVar, _ map: ValueMap) throws -> KernelValue {
        let key = MemoKey(variable: ObjectIdentifier(v), map: map)
        if let r = memo[key] { return r }
        let r = try compute(v, map)
        memo[key] = r
        return r
    }

    /// The element offset of `v` under `map`, with extent-1 index dimensions (which never
    /// move) given stride 0.
    private func indexMap(_ v: JaxprVar, _ map: ValueMap) -> KernelIndexMap {
        let lin = linear(map, shape: v.type.shape)
        return KernelIndexMap(offset: lin.offset, strides: zip(lin.coefs, indexSpace).map { $1 <= 1 ? 0 : $0 })
    }

    private func load(_ v: JaxprVar, _ map: ValueMap) throws -> KernelValue {
        let m = indexMap(v, map)
        if let acc = accumulator, acc.variable === v {
            let contiguous = zip(contiguousStrides(indexSpace), indexSpace).map { $1 <= 1 ? 0 : $0 }
            guard m.offset == 0 && m.strides == contiguous else { throw EpilogueMismatch() }
            let value = add(.accumulator, acc.dtype)
            return acc.dtype == v.type.dtype ? value : add(.convert(value), v.type.dtype)
        }
        return add(.load(input: inputs.number(of: v), map: m), v.type.dtype)
    }

    /// The value of a stored root, computed through its own equation at `map`.
    func emitRoot(_ eq: JaxprEquation, map: ValueMap) throws -> KernelValue {
        try compute(eq.outputs[0], map, eq: eq)
    }

    /// The map giving each point of the index space the element of `v` at the same
    /// row-major position (the identity when `v` has the index space's shape; `v` may have
    /// another shape with the same element count, as a reshaped reduction result).
    func rowMajor(_ v: JaxprVar) -> ValueMap {
        v.type.shape == indexSpace ? identity : .linear(linear(identity, shape: indexSpace))
    }

    private func compute(_ v: JaxprVar, _ map: ValueMap) throws -> KernelValue {
        guard let eq = producer(v) else { return try load(v, map) }
        return try compute(v, map, eq: eq)
    }

    private func compute(_ v: JaxprVar, _ map: ValueMap, eq: JaxprEquation) throws -> KernelValue {
        let dtype = v.type.dtype
        switch eq.primitive {
        case .unary(let op):
            return add(.unary(op, try emit(eq.inputs[0], map)), dtype)
        case .binary(let op):
            return add(.binary(op, try emit(eq.inputs[0], map), try emit(eq.inputs[1], map)), dtype)
        case .compare(let op):
            return add(.compare(op, try emit(eq.inputs[0], map), try emit(eq.inputs[1], map)), dtype)
        case .select:
            let whichMap: ValueMap = eq.inputs[0].type.rank == 0 && v.type.rank != 0 ? .dims([]) : map
            return add(.select(which: try emit(eq.inputs[0], whichMap), onFalse: try emit(eq.inputs[1], map),
                               onTrue: try emit(eq.inputs[2], map)), dtype)
        case .convertElementType:
            let x = try emit(eq.inputs[0], map)
            return self.dtype(of: x) == dtype ? x : add(.convert(x), dtype)
        case .bitcastConvertType:
            return add(.bitcast(try emit(eq.inputs[0], map)), dtype)
        case .stopGradient:
            return try emit(eq.inputs[0], map)
        case .reshape:
            return try emit(eq.inputs[0], .linear(linear(map, shape: v.type.shape)))
        case .broadcastInDim(let shape, let bdims):
            let m = try dims(map, of: v)
            let operandShape = eq.inputs[0].type.shape
            let opMap = bdims.enumerated().map { j, d in
                operandShape[j] == 1 && shape[d] != 1 ? Affine.zero(rank) : m[d]
            }
            return try emit(eq.inputs[0], .dims(opMap))
        case .transpose(let perm):
            let m = try dims(map, of: v)
            var opMap = [Affine](repeating: .zero(rank), count: perm.count)
            for (i, p) in perm.enumerated() { opMap[p] = m[i] }
            return try emit(eq.inputs[0], .dims(opMap))
        case .slice(let start, _, let strides):
            let m = try dims(map, of: v)
            let opMap = m.indices.map { d in Affine(offset: start[d], coefs: [Int](repeating: 0, count: rank)) + strides[d] * m[d] }
            return try emit(eq.inputs[0], .dims(opMap))
        case .rev(let reversed):
            let m = try dims(map, of: v)
            let shape = eq.inputs[0].type.shape
            let opMap = m.indices.map { d in
                reversed.contains(d) ? Affine(offset: shape[d] - 1, coefs: [Int](repeating: 0, count: rank)) + (-1) * m[d] : m[d]
            }
            return try emit(eq.inputs[0], .dims(opMap))
        case .iota(let iotaType, _, let dimension):
            let m = try dims(map, of: v)
            return iotaValue(m[dimension], dtype: iotaType)
        case .reduce, .dynamicSlice, .dynamicUpdateSlice, .pad, .concatenate, .gather, .scatter, .argReduce,
             .cumulative, .sort, .dotGeneral, .threefry2x32, .cond, .whileLoop, .scan, .collective:
            preconditionFailure("fusion: \(printedName(eq.primitive)) is not fusible")
        case .convGeneralDilated, .linalg: preconditionFailure("fusion: \(printedName(eq.primitive)) is not fusible")
        }
    }

    /// `offset + Σ coefs[k] * i[k]` as int32 instructions, converted to `dtype`.
    private func iotaValue(_ a: Affine, dtype: DType) -> KernelValue {
        var acc: KernelValue?
        for (k, c) in a.coefs.enumerated() where c != 0 && indexSpace[k] > 1 {
            var term = add(.index(dimension: k), .int32)
            if c != 1 { term = add(.binary(.mul, term, add(.literal(ScalarLiteral(.int(Int64(c)), dtype: .int32)), .int32)), .int32) }
            acc = acc.map { add(.binary(.add, $0, term), .int32) } ?? term
        }
        if a.offset != 0 || acc == nil {
            let lit = add(.literal(ScalarLiteral(.int(Int64(a.offset)), dtype: .int32)), .int32)
            acc = acc.map { add(.binary(.add, $0, lit), .int32) } ?? lit
        }
        return dtype == .int32 ? acc! : add(.convert(acc!), dtype)
    }

    /// The row-major element position of a value of `shape` under `map`.
    func linear(_ map: ValueMap, shape: [Int]) -> Affine {
        switch map {
        case .linear(let a): return a
        case .dims(let ds):
            let strides = contiguousStrides(shape)
            var acc = Affine.zero(rank)
            for (d, a) in ds.enumerated() where shape[d] > 1 { acc = acc + strides[d] * a }
            return acc
        }
    }

    /// Per-axis indices of `v` under `map`, decomposing a linear position when each index
    /// dimension's contribution stays within one axis (else a `FusionBoundary`).
    func dims(_ map: ValueMap, of v: JaxprVar) throws -> [Affine] {
        let shape = v.type.shape
        switch map {
        case .dims(let ds): return ds
        case .linear(let a):
            if shape.contains(0) { return shape.map { _ in .zero(rank) } }
            let strides = contiguousStrides(shape)
            var result = shape.map { _ in Affine.zero(rank) }
            var off = a.offset
            if off < 0 { throw FusionBoundary(variable: v) }
            for d in shape.indices {
                result[d].offset = off / strides[d]
                off %= strides[d]
            }
            var maxValue = result.map(\.offset)
            for (k, c) in a.coefs.enumerated() where c != 0 && indexSpace[k] > 1 {
                let extent = indexSpace[k]
                guard c > 0, let d = shape.indices.first(where: { d in
                    shape[d] > 1 && c % strides[d] == 0 && maxValue[d] + (c / strides[d]) * (extent - 1) < shape[d]
                }) else { throw FusionBoundary(variable: v) }
                result[d].coefs[k] += c / strides[d]
                maxValue[d] += (c / strides[d]) * (extent - 1)
            }
            return result
        }
    }
}
