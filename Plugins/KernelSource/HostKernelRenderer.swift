import TesseraCore

/// Renders a pointwise kernel (`Kernel` without a reduction) to a host C function over a
/// range of points, in the manner of tinygrad's CLANG backend:
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
/// contiguous stores, which the C compiler vectorises.
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
        if kernel.reduction != nil {
            throw TesseraError(.unsupported, "C renderer: \(kernel.name): reduction kernels are not rendered to host C")
        }
        try renderer.validate(kernel)
        for s in kernel.stores where s.output >= kernel.outputs.count || s.value >= kernel.body.count {
            throw TesseraError(.compilation, "C renderer: \(kernel.name): store out\(s.output) <- %\(s.value) is out of range\n\(kernel)")
        }
        let dialect = renderer.dialect
        var expressions = ScalarExpressions(dialect: dialect, hasFloat64: true)
        let entry = KernelSourceRenderer.identifier(kernel.name)
        let shape = kernel.indexSpace
        let rank = shape.count

        var lines = ["void \(entry)(const void* const* tz_in, void* const* tz_out, long tz_start, long tz_end) {"]
        for (i, t) in kernel.inputs.enumerated() {
            let s = dialect.storageType(t.dtype)
            lines.append("  const \(s)* restrict in\(i) = (const \(s)*)tz_in[\(i)];")
        }
        for (i, t) in kernel.outputs.enumerated() {
            let s = dialect.storageType(t.dtype)
            lines.append("  \(s)* restrict out\(i) = (\(s)*)tz_out[\(i)];")
        }
        let body = try renderer.renderBody(kernel, contiguousPosition: "p", &expressions)
            + kernel.stores.map { dialect.store(buffer: "out\($0.output)", index: "p", value: "v\($0.value)", dtype: kernel.outputs[$0.output].dtype) }
        let needed = IndexArithmetic.neededDimensions(kernel, parametric: false, contiguousAvailable: true)
        if needed.isEmpty || rank == 0 {
            // Every load is contiguous or uniform: one flat loop.
            lines.append("  for (long p = tz_start; p < tz_end; p++) {")
            lines += body.map { "    " + $0 }
            lines.append("  }")
        } else {
            // Row by row over the last dimension.
            let last = rank - 1, width = shape[last]
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
            lines.append("    for (long i\(last) = tz_first; i\(last) < tz_stop; i\(last)++) {")
            lines.append("      const long p = tz_base + i\(last);")
            lines += body.map { "      " + $0 }
            lines += ["    }", "    tz_p = tz_base + tz_stop;", "  }"]
        }
        lines.append("}")
        let source = dialect.prelude(dtypes: KernelSourceRenderer.dtypes(of: kernel)) + expressions.helperSource + "\n"
            + lines.joined(separator: "\n") + "\n"
        return HostRenderedKernel(source: source, entry: entry)
    }
}

/// The C source of a host kernel and its entry (see `HostKernelRenderer`).
public struct HostRenderedKernel: Sendable, Hashable {
    /// The whole translation unit.
    public var source: String
    /// The name of the function over a point range.
    public var entry: String
}
