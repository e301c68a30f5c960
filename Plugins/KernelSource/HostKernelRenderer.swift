import TesseraCore

/// Renders a kernel to a host C function over a range of points, in the manner of
/// tinygrad's CLANG backend. Pointwise kernels:
///
/// ```c
/// void tz_fused_0(const void* const* tz_in, void* const* tz_out, long tz_start, long tz_end)
/// ```
///
/// computes points `tz_start ..< tz_end` (row-major positions in the index space), so a
/// caller splits the index space over threads and calls it once per range. The body is
/// the shared renderer's (`KernelSourceRenderer` with `CDialect`: one register per SSA
/// value, the same op table and helpers as OpenCL). Points are walked row by row: the
/// coordinates of the outer dimensions are computed once per row of the last dimension,
/// and the inner loop over that row has contiguous, broadcast or constant-stride loads and
/// contiguous stores, which the C compiler vectorises. Plain reductions (accumulating in
/// the dtype of their value and output) take an accumulator array instead of the outputs
/// (`void entry(const void* const* tz_in, void* tz_acc, long tz_start, long tz_end)`,
/// see `renderReduction`).
///
/// ```swift
/// let rendered = try HostKernelRenderer().render(kernel)
/// print(rendered.source)   // compile with `cc -O3 -ffp-contract=off -fPIC -shared`
/// ```
public struct HostKernelRenderer: Sendable {
    /// The shared renderer in the C dialect (literal shapes).
    let renderer = KernelSourceRenderer(dialect: CDialect(), options: RenderOptions(hasFloat64: true))

    /// Creates a renderer.
    public init() {}

    /// The C source of `kernel` and its entry's name; throws `.unsupported` for a kernel
    /// this renderer does not handle (reductions, ops a dtype lacks) and `.compilation` for
    /// a malformed kernel.
    public func render(_ kernel: Kernel) throws -> HostRenderedKernel {
        try renderer.validate(kernel)
        let dialect = renderer.dialect
        var expressions = ScalarExpressions(dialect: dialect, hasFloat64: true)
        let entry = KernelSourceRenderer.identifier(kernel.name)
        var lines: [String]
        if let reduction = kernel.reduction {
            lines = try renderReduction(kernel, reduction, entry: entry, &expressions)
        } else {
            lines = try renderPointwise(kernel, entry: entry, &expressions)
        }
        lines.append("}")
        let source = dialect.prelude(dtypes: KernelSourceRenderer.dtypes(of: kernel)) + expressions.helperSource + "\n"
            + lines.joined(separator: "\n") + "\n"
        return HostRenderedKernel(source: source, entry: entry)
    }

    /// `const T* restrict in0 = (const T*)tz_in[0];` per input.
    private func inputPointers(_ kernel: Kernel) -> [String] {
        kernel.inputs.enumerated().map { i, t in
            let s = renderer.dialect.storageType(t.dtype)
            return "  const \(s)* restrict in\(i) = (const \(s)*)tz_in[\(i)];"
        }
    }

    private func renderPointwise(_ kernel: Kernel, entry: String, _ expressions: inout ScalarExpressions) throws -> [String] {
        for s in kernel.stores where s.output >= kernel.outputs.count || s.value >= kernel.body.count {
            throw TesseraError(.compilation, "C renderer: \(kernel.name): store out\(s.output) <- %\(s.value) is out of range\n\(kernel)")
        }
        let dialect = renderer.dialect
        var lines = ["void \(entry)(const void* const* tz_in, void* const* tz_out, long tz_start, long tz_end) {"]
        lines += inputPointers(kernel)
        for (i, t) in kernel.outputs.enumerated() {
            let s = dialect.storageType(t.dtype)
            lines.append("  \(s)* restrict out\(i) = (\(s)*)tz_out[\(i)];")
        }
        let body = try renderer.renderBody(kernel, contiguousPosition: "p", &expressions)
            + kernel.stores.map { dialect.store(buffer: "out\($0.output)", index: "p", value: "v\($0.value)", dtype: kernel.outputs[$0.output].dtype) }
        let needed = IndexArithmetic.neededDimensions(kernel, parametric: false, contiguousAvailable: true)
        return lines + pointLoop(kernel, needed: needed, perRow: { _ in ([], body, []) })
    }

    /// A reduction accumulating into `acc` (one element per output, of the output's
    /// storage type; the caller fills it with the identity and merges per-thread partials):
    ///
    /// `void entry(const void* const* tz_in, void* tz_acc, long tz_start, long tz_end)`.
    /// Rows of a reduced last dimension accumulate in a register.
    private func renderReduction(_ kernel: Kernel, _ reduction: KernelReduction, entry: String,
                                 _ expressions: inout ScalarExpressions) throws -> [String] {
        let dtype = reduction.accumulatorDType
        guard kernel.outputs.count == 1, kernel.stores.isEmpty, kernel.epilogue.isEmpty,
              kernel.outputs[0].dtype == dtype, kernel.body[reduction.value].dtype == dtype else {
            throw TesseraError(.unsupported, "C renderer: \(kernel.name): only plain reductions accumulating in their value's and output's dtype are rendered to host C")
        }
        let dialect = renderer.dialect
        let storage = dialect.storageType(dtype), register = dialect.registerType(dtype)
        let op: BinaryOp
        switch reduction.op {
        case .sum: op = dtype == .bool ? .or : .add
        case .prod: op = dtype == .bool ? .and : .mul
        case .max: op = dtype == .bool ? .or : .max
        case .min: op = dtype == .bool ? .and : .min
        case .and: op = .and
        case .or: op = .or
        }
        let value = "v\(reduction.value)"
        let shape = kernel.indexSpace, rank = shape.count
        // Output-space strides of the kept dimensions (0 for reduced and size-1 ones).
        let kept = shape.indices.filter { !reduction.axes.contains($0) }
        let keptStrides = contiguousStrides(kept.map { shape[$0] })
        var outStride = [Int](repeating: 0, count: rank)
        for (j, k) in kept.enumerated() where shape[k] != 1 { outStride[k] = keptStrides[j] }
        var needed = IndexArithmetic.neededDimensions(kernel, parametric: false, contiguousAvailable: true)
        for k in shape.indices where outStride[k] != 0 { needed.insert(k) }
        let body = try renderer.renderBody(kernel, contiguousPosition: "p", &expressions)
        let read = { (index: String) in dialect.load(buffer: "acc", index: index, dtype: dtype) }
        var lines = ["void \(entry)(const void* const* tz_in, void* tz_acc, long tz_start, long tz_end) {"]
        lines += inputPointers(kernel)
        lines.append("  \(storage)* restrict acc = (\(storage)*)tz_acc;")
        let lastReduced = rank == 0 || outStride[rank - 1] == 0
        if lastReduced {
            // The whole row goes to one output: accumulate in a register.
            let combine = try expressions.binary(op, "tz_a", value, dtype)
            lines += pointLoop(kernel, needed: needed) { last in
                let m = Self.outputIndex(outStride, upTo: last)
                return (["\(register) tz_a = \(read(m));"], body + ["tz_a = \(combine);"],
                        [dialect.store(buffer: "acc", index: m, value: "tz_a", dtype: dtype)])
            }
        } else {
            let m = Self.outputIndex(outStride, upTo: rank)
            let combine = try expressions.binary(op, read(m), value, dtype)
            lines += pointLoop(kernel, needed: needed) { _ in
                ([], body + [dialect.store(buffer: "acc", index: m, value: combine, dtype: dtype)], [])
            }
        }
        return lines
    }

    /// `(0 + 40*i0 + 1*i2)`: the output element of the coordinates of dimensions `..< upTo`.
    static func outputIndex(_ strides: [Int], upTo: Int) -> String {
        let terms = (0..<upTo).compactMap { k in strides[k] == 0 ? nil : "\(strides[k]) * i\(k)" }
        return "(" + (["0"] + terms).joined(separator: " + ") + ")"
    }

    /// The loop over points `tz_start ..< tz_end`: one flat loop when no coordinate is
    /// needed, else row by row over the last dimension (the other coordinates computed once
    /// per row). `perRow(d)` gives the statements before the row, per point and after the
    /// row, where coordinates `i0 ..< i<d>` are defined at row level (`d` is the rank minus
    /// one, or 0 for the flat loop).
    private func pointLoop(_ kernel: Kernel, needed: Set<Int>,
                           perRow: (Int) -> (before: [String], point: [String], after: [String])) -> [String] {
        let shape = kernel.indexSpace, rank = shape.count
        var lines: [String] = []
        if needed.isEmpty || rank == 0 {
            let (before, point, after) = perRow(0)
            lines += before.map { "  " + $0 }
            lines.append("  for (long p = tz_start; p < tz_end; p++) {")
            lines += point.map { "    " + $0 }
            lines.append("  }")
            lines += after.map { "  " + $0 }
            return lines
        }
        let last = rank - 1, width = shape[last]
        let (before, point, after) = perRow(last)
        lines += [
            "  long tz_p = tz_start;",
            "  while (tz_p < tz_end) {",
            "    const long tz_row = tz_p / \(width);",
            "    const long tz_first = tz_p - tz_row * \(width);",
            "    const long tz_base = tz_row * \(width);",
            "    const long tz_stop = tz_end - tz_base < \(width) ? tz_end - tz_base : \(width);",
        ]
        lines += IndexArithmetic.decompose("tz_row", dims: Array(0..<last), needed: needed, size: { String(shape[$0]) },
                                           indexType: "long", prefix: "tz_").map { "    " + $0 }
        lines += before.map { "    " + $0 }
        lines.append("    for (long i\(last) = tz_first; i\(last) < tz_stop; i\(last)++) {")
        lines.append("      const long p = tz_base + i\(last);")
        lines += point.map { "      " + $0 }
        lines.append("    }")
        lines += after.map { "    " + $0 }
        lines += ["    tz_p = tz_base + tz_stop;", "  }"]
        return lines
    }
}

/// The C source of a host kernel and its entry (see `HostKernelRenderer`).
public struct HostRenderedKernel: Sendable, Hashable {
    /// The whole translation unit.
    public var source: String
    /// The name of the function over a point range.
    public var entry: String
}
