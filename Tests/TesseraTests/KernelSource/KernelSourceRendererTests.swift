import Testing
import KernelSource
@testable import Tessera

/// The C-style renderer: what it writes for loads (contiguous, broadcast, reversed),
/// literals, the integer-division helpers, and reductions (three entries, a local tree).
@Suite("KernelSource renderer")
struct KernelSourceRendererTests {
    static let renderer = KernelSourceRenderer(dialect: OpenCLDialect(), options: RenderOptions(hasFloat64: true))

    /// `out = in0[i0, i1] * in1[i1] (broadcast) + in0 reversed along axis 1`, over [3, 4].
    static let broadcastKernel = Kernel(
        name: "fused_0", inputs: [ShapedType([3, 4], .float32), ShapedType([4], .float32)], outputs: [ShapedType([3, 4], .float32)],
        indexSpace: [3, 4],
        body: [KernelInstruction(.load(input: 0, map: KernelIndexMap(offset: 0, strides: [4, 1])), .float32),
               KernelInstruction(.load(input: 1, map: KernelIndexMap(offset: 0, strides: [0, 1])), .float32),
               KernelInstruction(.binary(.mul, 0, 1), .float32),
               KernelInstruction(.load(input: 0, map: KernelIndexMap(offset: 3, strides: [4, -1])), .float32),
               KernelInstruction(.binary(.add, 2, 3), .float32)],
        stores: [KernelStore(output: 0, value: 4)], reduction: nil)

    @Test func literalShapesAndStridedLoads() throws {
        let r = try Self.renderer.render(Self.broadcastKernel)
        #expect(r.kind == .pointwise)
        #expect(r.entry == "tz_fused_0")
        #expect(r.shapeArguments.isEmpty)
        #expect(r.source.contains("__kernel void tz_fused_0(__global const float* in0, __global const float* in1, __global float* out0) {"))
        #expect(r.source.contains("const float v0 = in0[p];"), "contiguous loads read the point's position")
        #expect(r.source.contains("const float v1 = in1[i1];"), "a broadcast load reads only the coordinates it strides over")
        #expect(r.source.contains("const float v3 = in0[(3 + (4) * i0 + (-1) * i1)];"), "a reversed load uses a negative stride")
        #expect(r.source.contains("if (p < 12) {"), "one point per work item")
        #expect(r.source.contains("#pragma OPENCL FP_CONTRACT OFF"))
    }

    @Test func parametricShapesAreArguments() throws {
        let parametric = KernelSourceRenderer(dialect: OpenCLDialect(), options: RenderOptions(hasFloat64: true, parametric: true))
        let r = try parametric.render(Self.broadcastKernel)
        #expect(r.shapeArguments == [12, 3, 4, 0, 0, 1, 3, 4, -1])
        #expect(r.source.contains("const int n, const int d0, const int d1, const int l1o, const int l1s0, const int l1s1, const int l3o, const int l3s0, const int l3s1"))
        #expect(r.source.contains("in1[(l1o + l1s0 * i0 + l1s1 * i1)]"))
    }

    @Test func literalsAreExact() {
        let d = OpenCLDialect()
        #expect(d.literal(ScalarLiteral(.float(0.1), dtype: .float32), as: .float32) == "(0x1.99999ap-4f)")
        #expect(d.literal(ScalarLiteral(.float(0.1), dtype: .float64), as: .float64) == "(0x1.999999999999ap-4)")
        #expect(d.literal(ScalarLiteral(.int(Int64(Int32.min)), dtype: .int32), as: .int32) == "(-2147483647-1)")
        #expect(d.literal(ScalarLiteral(.float(-.infinity), dtype: .float32), as: .float32) == "(-INFINITY)")
        #expect(d.literal(ScalarLiteral(.uint(4_294_967_295), dtype: .uint32), as: .uint32) == "4294967295u")
    }

    @Test func integerOpsUseTheirHelpers() throws {
        var e = ScalarExpressions(dialect: OpenCLDialect(), hasFloat64: true)
        #expect(try e.binary(.div, "a", "b", .int32) == "tz_div_int(a, b)")
        #expect(try e.binary(.rem, "a", "b", .int64) == "tz_rem_long(a, b)")
        #expect(try e.binary(.add, "a", "b", .int32) == "((int)((uint)(a) + (uint)(b)))", "signed arithmetic wraps through unsigned")
        #expect(try e.binary(.shiftLeft, "a", "b", .uint32) == "tz_shl_uint(a, b)")
        #expect(try e.binary(.max, "a", "b", .float32) == "tz_max_float(a, b)")
        #expect(e.convert("x", from: .float32, to: .int32) == "tz_cvt_float_int(x)")
        #expect(e.helperSource.contains("if (b == 0) return (int)(~(uint)0);"), "x / 0 is -1")
        #expect(e.helperSource.contains("if (b == (long)-1) return 0;"), "MIN % -1 is 0")
        #expect(e.helperSource.contains("if (isnan(a) || isnan(b)) return a + b;"), "max propagates NaN")
        #expect(throws: TesseraError.self) { try e.unary(.exp, "x", .int32) }
        #expect(throws: TesseraError.self) { try e.binary(.and, "a", "b", .float32) }
    }

    @Test func reductionHasGroupTreeAndSecondPass() throws {
        let k = Kernel(name: "sum_sq", inputs: [ShapedType([8, 1000], .float32)], outputs: [ShapedType([8], .float32)],
                       indexSpace: [8, 1000],
                       body: [KernelInstruction(.load(input: 0, map: KernelIndexMap(offset: 0, strides: [1000, 1])), .float32),
                              KernelInstruction(.binary(.mul, 0, 0), .float32)],
                       stores: [], reduction: KernelReduction(op: .sum, axes: [1], value: 1, accumulatorDType: .float64))
        let r = try Self.renderer.render(k)
        #expect(r.kind == .reduction)
        #expect(r.partialDType == .float64)
        for entry in ["tz_sum_sq(", "tz_sum_sq_finish(", "tz_sum_sq_rows("] { #expect(r.source.contains("__kernel void " + entry)) }
        #expect(r.source.contains("__local double scratch[64];"))
        #expect(r.source.contains("barrier(CLK_LOCAL_MEM_FENCE);"))
        #expect(r.source.contains("in0[(m * 1000 + r)]"), "reducing trailing axes reads the row-major position")
        #expect(r.source.contains("acc = (acc + ((double)(v1)));"), "values convert to the accumulator")
        #expect(r.source.contains("out0[m] = ((float)(acc));"))
    }

    @Test func malformedKernelIsACompilationError() {
        let k = Kernel(name: "bad", inputs: [], outputs: [ShapedType([2], .float32)], indexSpace: [2],
                       body: [KernelInstruction(.unary(.neg, 0), .float32)], stores: [KernelStore(output: 0, value: 0)], reduction: nil)
        #expect { try Self.renderer.render(k) } throws: { ($0 as? TesseraError)?.kind == .compilation }
    }
}
