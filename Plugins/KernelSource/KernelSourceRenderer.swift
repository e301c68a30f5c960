import TesseraCore

/// Renders the kernel IR (`Kernel`) to C-style source in a `KernelSourceDialect`, in the
/// manner of tinygrad's C-style renderer: one register per SSA value, an op table
/// (`ScalarExpressions`), index arithmetic for strided and broadcast loads
/// (`IndexArithmetic`), and work-group reductions (`ReductionSource`).
///
/// ```swift
/// let rendered = try KernelSourceRenderer(dialect: OpenCLDialect(), options: RenderOptions(hasFloat64: true)).render(kernel)
/// print(rendered.source)
/// ```
public struct KernelSourceRenderer: Sendable {
    /// The target language.
    public let dialect: any KernelSourceDialect
    /// Literal or parametric shapes, float64 availability, reduction group size.
    public let options: RenderOptions

    /// Creates a renderer.
    public init(dialect: any KernelSourceDialect, options: RenderOptions = RenderOptions(hasFloat64: true)) {
        self.dialect = dialect
        self.options = options
    }

    /// The dtypes a kernel reads, computes or writes.
    public static func dtypes(of kernel: Kernel) -> Set<DType> {
        var set = Set(kernel.inputs.map(\.dtype) + kernel.outputs.map(\.dtype) + kernel.body.map(\.dtype))
        if let r = kernel.reduction { set.insert(r.accumulatorDType) }
        return set
    }

    /// The values of the shape scalars of `kernel` in parametric mode (`n` or `M, R`, the
    /// dimension sizes, then offset and strides of each non-contiguous load).
    public static func shapeArguments(of kernel: Kernel) -> [Int] {
        if let r = kernel.reduction { return IndexArithmetic.reductionArguments(kernel, r) }
        return IndexArithmetic.pointwiseArguments(kernel)
    }

    /// The integer type the kernel's index arithmetic needs.
    public static func indexType(of kernel: Kernel) -> DType { IndexArithmetic.indexType(kernel) }

    /// Renders `kernel`; throws `.unsupported` for an op the dtype does not have and
    /// `.compilation` for a malformed kernel.
    public func render(_ kernel: Kernel) throws -> RenderedKernel {
        try validate(kernel)
        var expressions = ScalarExpressions(dialect: dialect, hasFloat64: options.hasFloat64)
        let indexDType = IndexArithmetic.indexType(kernel)
        let entry = Self.identifier(kernel.name)
        var main: String
        var partial: DType?
        if let reduction = kernel.reduction {
            var r = ReductionSource(renderer: self, kernel: kernel, reduction: reduction, entry: entry, indexDType: indexDType)
            main = try r.render(&expressions)
            partial = r.partialDType
        } else {
            main = try renderPointwise(kernel, entry: entry, indexDType: indexDType, &expressions)
        }
        let source = dialect.prelude(dtypes: Self.dtypes(of: kernel)) + expressions.helpers.source + "\n" + main
        return RenderedKernel(source: source, entry: entry, kind: kernel.reduction == nil ? .pointwise : .reduction,
                              indexType: indexDType, partialDType: partial,
                              shapeArguments: options.parametric ? Self.shapeArguments(of: kernel) : [])
    }

    /// A C identifier from a kernel name, prefixed so that it never names a built-in (`exp`).
    static func identifier(_ name: String) -> String {
        "tz_" + String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }

    func validate(_ kernel: Kernel) throws {
        for (n, inst) in kernel.body.enumerated() {
            for o in inst.op.operands where o >= n || o < 0 {
                throw TesseraError(.compilation, "\(dialect.name) renderer: \(kernel.name): %\(n) reads %\(o), which is not defined before it\n\(kernel)")
            }
            if case .load(let input, let map) = inst.op,
               input >= kernel.inputs.count || map.strides.count != kernel.indexSpace.count {
                throw TesseraError(.compilation, "\(dialect.name) renderer: \(kernel.name): %\(n) loads input \(input) with \(map.strides.count) strides over a rank-\(kernel.indexSpace.count) index space\n\(kernel)")
            }
        }
    }

    /// The scalar-argument declarations of the shape scalars (parametric mode).
    func shapeScalars(_ kernel: Kernel, _ indexType: String) -> [(name: String, type: String)] {
        guard options.parametric else { return [] }
        return IndexArithmetic.argumentNames(kernel).map { ($0, indexType) }
    }

    /// The size of index dimension `k` as source text.
    func size(_ kernel: Kernel, _ k: Int) -> String { options.parametric ? "d\(k)" : String(kernel.indexSpace[k]) }

    /// The body statements: `const T v<n> = ...;` per instruction.
    func renderBody(_ kernel: Kernel, contiguousPosition: String?, _ expressions: inout ScalarExpressions) throws -> [String] {
        var lines: [String] = []
        for (n, inst) in kernel.body.enumerated() {
            let t = dialect.registerType(inst.dtype)
            func v(_ x: Int) -> String { "v\(x)" }
            let e: String
            switch inst.op {
            case .load(let input, let map):
                let index = IndexArithmetic.loadIndex(instruction: n, map: map, kernel: kernel, parametric: options.parametric,
                                                      contiguousPosition: contiguousPosition)
                e = dialect.load(buffer: "in\(input)", index: index, dtype: kernel.inputs[input].dtype)
            case .literal(let literal):
                e = dialect.literal(literal, as: inst.dtype)
            case .index(let d):
                e = dialect.cast("i\(d)", to: dialect.registerType(.int32))
            case .unary(let op, let x):
                if op == .isFinite {
                    e = try expressions.unary(op, v(x), kernel.body[x].dtype)
                } else {
                    e = try expressions.unary(op, v(x), inst.dtype)
                }
            case .binary(let op, let x, let y):
                e = try expressions.binary(op, v(x), v(y), inst.dtype)
            case .compare(let op, let x, let y):
                e = expressions.compare(op, v(x), v(y))
            case .select(let w, let f, let tr):
                e = expressions.select(v(w), onFalse: v(f), onTrue: v(tr))
            case .convert(let x):
                e = expressions.convert(v(x), from: kernel.body[x].dtype, to: inst.dtype)
            case .bitcast(let x):
                e = try expressions.bitcast(v(x), from: kernel.body[x].dtype, to: inst.dtype)
            case .accumulator:
                // Only epilogues use it, and this renderer's backends do not opt into epilogues.
                throw TesseraError(.compilation, "\(kernel.name): reduction epilogues are not rendered by this backend\n\(kernel)")
            }
            lines.append("const \(t) v\(n) = \(e);")
        }
        return lines
    }

    private func renderPointwise(_ kernel: Kernel, entry: String, indexDType: DType,
                                 _ expressions: inout ScalarExpressions) throws -> String {
        let idx = dialect.indexType(indexDType)
        var buffers = kernel.inputs.enumerated().map { KernelBufferParameter(name: "in\($0)", dtype: $1.dtype, writable: false) }
        buffers += kernel.outputs.enumerated().map { KernelBufferParameter(name: "out\($0)", dtype: $1.dtype, writable: true) }
        let count = options.parametric ? "n" : String(kernel.pointCount)
        var lines = [dialect.kernelHeader(name: entry, buffers: buffers, scalars: shapeScalars(kernel, idx))]
        // One point per work item: the launch covers every point (PoCL vectorises a work
        // group's items; GPUs coalesce neighbouring items).
        lines.append("  const \(idx) p = (\(idx))\(dialect.globalID);")
        lines.append("  if (p < \(count)) {")
        let needed = IndexArithmetic.neededDimensions(kernel, parametric: options.parametric, contiguousAvailable: true)
        let coordinates = IndexArithmetic.decompose("p", dims: Array(kernel.indexSpace.indices), needed: needed,
                                                    size: { size(kernel, $0) }, indexType: idx, prefix: "")
        var body = coordinates + (try renderBody(kernel, contiguousPosition: "p", &expressions))
        for s in kernel.stores {
            body.append(dialect.store(buffer: "out\(s.output)", index: "p", value: "v\(s.value)", dtype: kernel.outputs[s.output].dtype))
        }
        lines += body.map { "    " + $0 }
        lines.append("  }")
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}
