/// The backend-independent kernel IR produced by the fusion compiler.
///
/// A `Kernel` is one loop nest over an **index space** (a shape). For every point
/// `i = (i0, i1, ...)` of the index space the **body** — a list of scalar SSA instructions —
/// is evaluated; instruction `n` defines value `%n`, and operands refer to earlier values.
///
/// - **Loads** read element `offset + Σ strides[k] * i[k]` (in elements, not bytes) of an
///   input buffer. Buffers are contiguous and row-major; a stride of 0 broadcasts along that
///   index dimension, negative strides reverse, and permuted strides transpose. Each load has
///   its own `KernelIndexMap` with one stride per index-space dimension.
/// - **Element-wise** instructions reuse the primitive set's op enums (`UnaryOp`, `BinaryOp`,
///   `CompareOp`) with the semantics of the corresponding primitive on operands of the
///   instruction's `dtype` (compare: the operands' dtype, result bool; `select`: bool
///   predicate; `convert`/`bitcast`: from the operand's dtype to the instruction's).
/// - `index(dimension:)` is the current coordinate `i[dimension]` as an int32.
/// - **Stores** (kernels without a reduction): output buffer `output` gets `%value` at the
///   row-major position of `i` in the index space (outputs have the index space's shape).
/// - **Reduction** (optional): `reduction.axes` of the index space are reduced. Each output
///   element (the index space without those axes, row-major: the *output space*) starts at
///   the identity of `reduction.op` (0, 1, -inf/min, +inf/max, true, false) in
///   `accumulatorDType`, and every point of the index space combines `%reduction.value`
///   (converted to the accumulator type) into the element of its non-reduced coordinates.
/// - **Plain reduction** (empty epilogue): the kernel has exactly one output, which receives
///   the reduced value converted to its dtype, and no stores.
/// - **Epilogue** (reduction kernels only, optional): a second list of scalar SSA
///   instructions, numbered from 0 separately (`%e0, %e1, ...`), evaluated once per element
///   of the output space after the reduction. `accumulator` reads the reduced value (in
///   `accumulatorDType`); its loads use index maps over the output space and `index` reads
///   output-space coordinates. The kernel's stores then refer to epilogue values and write
///   at the output element's row-major position (its outputs have the output space's
///   element count, possibly in another shape such as `[1, n]` for `keepDims`). Fused
///   consumers of the reduction (`sum / n`, `log(sum) + m`) become epilogues only for
///   backends that declare `ReductionEpilogueRendering`.
///
/// Backends render this IR: the reference backend to Swift closures, BLAS to vectorized
/// Swift loops, OpenCL to OpenCL C, Vulkan to GLSL. A kernel over a zero-size index space
/// does no work (a reduction over zero elements yields the identity).
///
/// The seed polynomial `-4 * x * x * x + 9 * x * x + 6 * x - 3` on `f32[3]`, and a
/// reduction with its prologue plus a transposed element-wise kernel:
/// ```
/// kernel fused_0(in0: f32[3]) -> (f32[3]) over [3]
///   %0 = literal -4.0 : f32
///   %1 = load in0[0 + 1*i0] : f32
///   %2 = mul %0 %1 : f32
///   ...
///   %13 = sub %11 %12 : f32
///   store out0 <- %13
/// kernel fused_0(in0: f32[2,3]) -> (f32[2]) over [2, 3] reducing reduce_sum axes [1] of %3 in f32
///   %0 = load in0[0 + 3*i0 + 1*i1] : f32
///   %1 = exp %0 : f32
///   %2 = literal 2.0 : f32
///   %3 = mul %1 %2 : f32
/// ```
/// and `x.mean(axes: [1])` with its epilogue (`sum / 3`):
/// ```
/// kernel fused_0(in0: f32[2,3]) -> (f32[2]) over [2, 3] reducing reduce_sum axes [1] of %0 in f32
///   %0 = load in0[0 + 3*i0 + 1*i1] : f32
///  epilogue over [2]
///   %e0 = accumulator : f32
///   %e1 = literal 3.0 : f32
///   %e2 = div %e0 %e1 : f32
///   store out0 <- %e2
/// kernel fused_1(in0: f32[2,3]) -> (f32[3,2]) over [3, 2]        // 3 * x.T
///   %0 = load in0[0 + 1*i0 + 3*i1] : f32
///   %1 = literal 3.0 : f32
///   %2 = mul %0 %1 : f32
///   store out0 <- %2
/// ```
/// Rendering notes for code generators: evaluate instructions in order at each point (one
/// work item per point, or per output element with an inner loop over the reduced axes);
/// loads with strides equal to the row-major strides of the index space are contiguous; a
/// load whose strides are all 0 is uniform across the kernel; `index` values and literals
/// are uniform or cheap. Literals carry their dtype; bool is stored as one byte (0/1).
public struct Kernel: Hashable, Sendable, CustomStringConvertible {
    /// A name for logs and generated source (`fused_0`).
    public var name: String
    /// Input buffers: shape and dtype of each (weak types are irrelevant here).
    public var inputs: [ShapedType]
    /// Output buffers: shape and dtype of each.
    public var outputs: [ShapedType]
    /// The iteration space: every point is visited once (in any order, in parallel).
    public var indexSpace: [Int]
    /// The scalar program evaluated at each point, in SSA order.
    public var body: [KernelInstruction]
    /// Writes to outputs: of body values (kernels without a reduction), or of epilogue
    /// values at each output element (reduction kernels).
    public var stores: [KernelStore]
    /// The reduction, for reduction kernels.
    public var reduction: KernelReduction?
    /// Reduction kernels: instructions evaluated per output element after the reduction
    /// (empty for a plain reduction).
    public var epilogue: [KernelInstruction]

    /// Creates a kernel.
    public init(name: String, inputs: [ShapedType], outputs: [ShapedType], indexSpace: [Int],
                body: [KernelInstruction], stores: [KernelStore], reduction: KernelReduction?,
                epilogue: [KernelInstruction] = []) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.indexSpace = indexSpace
        self.body = body
        self.stores = stores
        self.reduction = reduction
        self.epilogue = epilogue
    }

    /// Number of points in the index space.
    public var pointCount: Int { indexSpace.reduce(1, *) }

    /// The shape of the outputs: the index space, without the reduced axes for a reduction.
    public var outputSpace: [Int] {
        guard let r = reduction else { return indexSpace }
        return indexSpace.indices.filter { !r.axes.contains($0) }.map { indexSpace[$0] }
    }

    /// A readable listing of the kernel (as in the type's documentation).
    public var description: String {
        var lines: [String] = []
        let ins = inputs.enumerated().map { "in\($0): \($1.strong)" }.joined(separator: ", ")
        let outs = outputs.map { "\($0.strong)" }.joined(separator: ", ")
        var head = "kernel \(name)(\(ins)) -> (\(outs)) over \(indexSpace)"
        if let r = reduction { head += " reducing \(r.op.primitiveName) axes \(r.axes) of %\(r.value) in \(r.accumulatorDType.shortName)" }
        lines.append(head)
        for (n, inst) in body.enumerated() { lines.append("  %\(n) = \(inst.op) : \(inst.dtype.shortName)") }
        if reduction != nil && !epilogue.isEmpty {
            lines.append(" epilogue over \(outputSpace)")
            for (n, inst) in epilogue.enumerated() {
                lines.append("  %e\(n) = \(inst.op.text(valuePrefix: "%e")) : \(inst.dtype.shortName)")
            }
        }
        let prefix = reduction == nil ? "%" : "%e"
        for s in stores { lines.append("  store out\(s.output) <- \(prefix)\(s.value)") }
        return lines.joined(separator: "\n")
    }
}

/// A value of a kernel body: the index of the instruction that defines it.
public typealias KernelValue = Int

/// Where a load reads: element `offset + Σ strides[k] * i[k]` of a contiguous row-major
/// buffer, with one stride per index-space dimension (0 broadcasts, negative reverses).
public struct KernelIndexMap: Hashable, Sendable, CustomStringConvertible {
    /// Element offset at the origin of the index space.
    public var offset: Int
    /// Element stride per index-space dimension.
    public var strides: [Int]
    /// Creates an index map.
    public init(offset: Int, strides: [Int]) {
        self.offset = offset
        self.strides = strides
    }
    /// `0 + 3*i0 + 1*i1`.
    public var description: String {
        ([String(offset)] + strides.enumerated().compactMap { $1 == 0 ? nil : "\($1)*i\($0)" }).joined(separator: " + ")
    }
}

/// One scalar instruction: an operation and the dtype of the value it defines.
public struct KernelInstruction: Hashable, Sendable {
    /// The operation.
    public var op: KernelOp
    /// The dtype of the defined value.
    public var dtype: DType
    /// Creates an instruction.
    public init(_ op: KernelOp, _ dtype: DType) {
        self.op = op
        self.dtype = dtype
    }
}

/// The scalar operations of a kernel body.
public enum KernelOp: Hashable, Sendable, CustomStringConvertible {
    /// Reads input buffer `input` at `map`.
    case load(input: Int, map: KernelIndexMap)
    /// A constant of the instruction's dtype.
    case literal(ScalarLiteral)
    /// The coordinate `i[dimension]` of the current point (int32).
    case index(dimension: Int)
    /// `op(x)` as the `unary` primitive (`is_finite` yields bool).
    case unary(UnaryOp, KernelValue)
    /// `op(x, y)` as the `binary` primitive.
    case binary(BinaryOp, KernelValue, KernelValue)
    /// `op(x, y)` -> bool as the `compare` primitive.
    case compare(CompareOp, KernelValue, KernelValue)
    /// `which ? onTrue : onFalse` (`which` is bool).
    case select(which: KernelValue, onFalse: KernelValue, onTrue: KernelValue)
    /// `convert_element_type` of the operand to the instruction's dtype.
    case convert(KernelValue)
    /// `bitcast_convert_type` of the operand to the instruction's dtype (same byte size).
    case bitcast(KernelValue)
    /// In a reduction kernel's epilogue: the reduced value of the current output element.
    case accumulator

    /// The values this operation reads.
    public var operands: [KernelValue] {
        switch self {
        case .load, .literal, .index, .accumulator: return []
        case .unary(_, let x), .convert(let x), .bitcast(let x): return [x]
        case .binary(_, let x, let y), .compare(_, let x, let y): return [x, y]
        case .select(let w, let f, let t): return [w, f, t]
        }
    }

    /// `load in0[0 + 1*i0]`, `mul %0 %1`, ...
    public var description: String { text(valuePrefix: "%") }

    /// The listing with value references spelled `valuePrefix` + number (`%e3` in epilogues).
    public func text(valuePrefix p: String) -> String {
        switch self {
        case .load(let input, let map): return "load in\(input)[\(map)]"
        case .literal(let l): return "literal \(l)"
        case .index(let d): return "index i\(d)"
        case .unary(let op, let x): return "\(op.rawValue) \(p)\(x)"
        case .binary(let op, let x, let y): return "\(op.rawValue) \(p)\(x) \(p)\(y)"
        case .compare(let op, let x, let y): return "\(op.rawValue) \(p)\(x) \(p)\(y)"
        case .select(let w, let f, let t): return "select_n \(p)\(w) \(p)\(f) \(p)\(t)"
        case .convert(let x): return "convert \(p)\(x)"
        case .bitcast(let x): return "bitcast \(p)\(x)"
        case .accumulator: return "accumulator"
        }
    }
}

/// Writes value `value` (of the body, or of the epilogue in reduction kernels) to output
/// buffer `output` at the current point (output element).
public struct KernelStore: Hashable, Sendable {
    /// Output buffer index.
    public var output: Int
    /// The value stored.
    public var value: KernelValue
    /// Creates a store.
    public init(output: Int, value: KernelValue) {
        self.output = output
        self.value = value
    }
}

/// The reduction of a reduction kernel (see `Kernel`).
public struct KernelReduction: Hashable, Sendable {
    /// How values combine.
    public var op: ReduceOp
    /// Reduced index-space axes (sorted).
    public var axes: [Int]
    /// The body value accumulated at each point.
    public var value: KernelValue
    /// The accumulator's dtype: the fusion pass uses the output dtype, except float32 for
    /// float16 outputs (as XLA and the eager reductions do); the body's `value` has this
    /// dtype. A backend may accumulate more precisely.
    public var accumulatorDType: DType
    /// Creates a reduction.
    public init(op: ReduceOp, axes: [Int], value: KernelValue, accumulatorDType: DType) {
        self.op = op
        self.axes = axes
        self.value = value
        self.accumulatorDType = accumulatorDType
    }
}

/// A backend that renders reduction epilogues (see `Kernel`). The fusion pass fuses
/// consumers of a reduction (`sum / n`) into the reduction kernel's epilogue only for such
/// backends; other backends get plain reductions only (one output, no epilogue, no stores).
///
/// ```swift
/// extension MyBackend: ReductionEpilogueRendering {}
/// ```
public protocol ReductionEpilogueRendering: Backend {}

/// A kernel compiled by a backend for one device (returned by `Backend.compile`).
public protocol CompiledKernel: AnyObject, Sendable {
    /// The kernel it was compiled from.
    var kernel: Kernel { get }
}
