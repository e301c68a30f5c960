import COpenCL
import KernelSource
import TesseraCore

/// `conv_general_dilated` as one direct OpenCL kernel (float32/float64): no im2col buffer.
///
/// Each work item computes `RO` output features (up to 8; `RO` divides the features per
/// group, so a block stays in one group) at one output position of one batch entry: every
/// input element it loads serves `RO` features, and neighbouring work items (neighbouring
/// positions) load the same weights and neighbouring inputs, which is what PoCL's
/// work-group vectoriser and GPU caches want. The geometry (layouts as strides, window, strides, padding,
/// dilations, groups) is compiled into the source as constants, so one program serves one
/// convolution shape (cached in memory and on disk like every program). Other dtypes and
/// empty operands return nil (the caller uses the im2col lowering).
///
/// On PoCL it is about 1.3x slower than the im2col lowering (whose matmul is tuned) for a
/// 3x3 conv of 8x64x56x56, so the backend uses it only where im2col's patch buffer
/// (`window × input` elements) would take more than a quarter of the device's largest
/// allocation (`preferred`).
struct DirectConvKernel {
    let context: OpenCLDeviceContext
    /// Whether to use this kernel rather than the im2col lowering: when the lowering's patch
    /// buffer would exceed a quarter of the device's largest allocation.
    func preferred(_ p: ConvParams, _ lType: ShapedType, _ rType: ShapedType, outType: ShapedType) -> Bool {
        let dn = p.dimensionNumbers
        let window = (0..<p.spatialRank).map { rType.shape[dn.rhsSpec[$0 + 2]] }.reduce(1, *)
        let positions = (0..<p.spatialRank).map { outType.shape[dn.outSpec[$0 + 2]] }.reduce(1, *)
        let patchBytes = window * lType.shape[dn.lhsSpec[0]] * lType.shape[dn.lhsSpec[1]] * positions * lType.dtype.byteSize
        return patchBytes > context.maxAllocation / 4
    }

    /// The convolution of `lhs` and `rhs` into a new buffer, or nil when this kernel does not serve it.
    func run(_ p: ConvParams, _ lhs: OpenCLBuffer, _ lType: ShapedType, _ rhs: OpenCLBuffer, _ rType: ShapedType,
             outType: ShapedType) throws -> OpenCLBuffer? {
        let dtype = outType.dtype
        guard dtype == .float32 || dtype == .float64, lType.count > 0, rType.count > 0, outType.count > 0,
              lType.count < Int(Int32.max), rType.count < Int(Int32.max), outType.count < Int(Int32.max) else { return nil }
        let g = Geometry(p, lhs: lType.shape, rhs: rType.shape, out: outType.shape)
        let source = Self.source(g, dtype)
        let (program, _) = try context.programs.program(source: source, name: "conv_direct", device: context)
        let kernel = try program.kernel("conv_direct", device: context.deviceDescription)
        let out = try context.allocate(outType.byteCount)
        try context.launch(kernel, "conv_direct", [.buffer(lhs), .buffer(rhs), .buffer(out)],
                           global: [g.positions, g.outFeatures / g.featuresPerItem, g.outBatch], local: nil, outputs: [out])
        return out
    }

    /// The index arithmetic of the convolution (row-major strides by role).
    struct Geometry {
        let k: Int, outBatch: Int, outFeatures: Int, inFeatures: Int, groups: Int, batchGroups: Bool, groupOut: Int
        let featuresPerItem: Int, positions: Int, windowCount: Int
        let window: [Int], outSpatial: [Int], inSpatial: [Int]
        let strides: [Int], padLow: [Int], lhsDilation: [Int], rhsDilation: [Int]
        let lhsN: Int, lhsC: Int, lhsS: [Int], rhsO: Int, rhsI: Int, rhsS: [Int], outN: Int, outO: Int, outS: [Int]

        init(_ p: ConvParams, lhs: [Int], rhs: [Int], out: [Int]) {
            let dn = p.dimensionNumbers
            func strides(_ s: [Int]) -> [Int] {
                var r = [Int](repeating: 1, count: s.count), acc = 1
                for d in stride(from: s.count - 1, through: 0, by: -1) { r[d] = acc; acc *= s[d] }
                return r
            }
            let ls = strides(lhs), rs = strides(rhs), os = strides(out)
            k = p.spatialRank
            let spatial = Array(0..<k)
            outBatch = out[dn.outSpec[0]]
            outFeatures = out[dn.outSpec[1]]
            inFeatures = rhs[dn.rhsSpec[1]]
            groups = Swift.max(p.featureGroupCount, p.batchGroupCount)
            batchGroups = p.batchGroupCount > 1
            groupOut = outFeatures / groups
            let perGroup = outFeatures / groups
            featuresPerItem = [8, 4, 2, 1].first { perGroup % $0 == 0 }!
            window = spatial.map { rhs[dn.rhsSpec[$0 + 2]] }
            outSpatial = spatial.map { out[dn.outSpec[$0 + 2]] }
            inSpatial = spatial.map { lhs[dn.lhsSpec[$0 + 2]] }
            positions = outSpatial.reduce(1, *)
            windowCount = window.reduce(1, *)
            self.strides = p.windowStrides
            padLow = p.padding.map(\.low)
            lhsDilation = p.lhsDilation
            rhsDilation = p.rhsDilation
            lhsN = ls[dn.lhsSpec[0]]; lhsC = ls[dn.lhsSpec[1]]; lhsS = spatial.map { ls[dn.lhsSpec[$0 + 2]] }
            rhsO = rs[dn.rhsSpec[0]]; rhsI = rs[dn.rhsSpec[1]]; rhsS = spatial.map { rs[dn.rhsSpec[$0 + 2]] }
            outN = os[dn.outSpec[0]]; outO = os[dn.outSpec[1]]; outS = spatial.map { os[dn.outSpec[$0 + 2]] }
        }
    }

    /// The OpenCL C of one convolution shape.
    static func source(_ g: Geometry, _ dtype: DType) -> String {
        let dialect = OpenCLDialect()
        let t = dialect.registerType(dtype), ro = g.featuresPerItem
        func list(_ v: [Int]) -> String { "{" + v.map(String.init).joined(separator: ", ") + "}" }
        let lhsBase = g.batchGroups ? "(long)(q * \(g.outBatch) + n) * \(g.lhsN)" : "(long)n * \(g.lhsN) + (long)q * \(g.inFeatures * g.lhsC)"
        return dialect.prelude(dtypes: [dtype]) + """
        #define K \(g.k)
        #define RO \(ro)
        __constant int OUT_SPATIAL[K] = \(list(g.outSpatial));
        __constant int IN_SPATIAL[K] = \(list(g.inSpatial));
        __constant int WINDOW[K] = \(list(g.window));
        __constant int STRIDE[K] = \(list(g.strides));
        __constant int PAD_LOW[K] = \(list(g.padLow));
        __constant int LHS_DIL[K] = \(list(g.lhsDilation));
        __constant int RHS_DIL[K] = \(list(g.rhsDilation));
        __constant long LHS_S[K] = \(list(g.lhsS));
        __constant long RHS_S[K] = \(list(g.rhsS));
        __constant long OUT_S[K] = \(list(g.outS));

        __kernel void conv_direct(__global const \(t)* lhs, __global const \(t)* rhs, __global \(t)* out) {
            const int p = (int)get_global_id(0), o0 = (int)get_global_id(1) * RO, n = (int)get_global_id(2);
            if (p >= \(g.positions)) return;
            const int q = o0 / \(g.groupOut);
            const long lhsBase = \(lhsBase);
            int pos[K];
            long outOffset = (long)n * \(g.outN);
            int rest = p;
            for (int d = K - 1; d >= 0; d--) { pos[d] = rest % OUT_SPATIAL[d]; rest /= OUT_SPATIAL[d]; outOffset += pos[d] * OUT_S[d]; }
            \(t) acc[RO];
            for (int a = 0; a < RO; a++) acc[a] = 0;
            for (int w = 0; w < \(g.windowCount); w++) {
                // The input element this position reads at window offset w (or none).
                long offset = lhsBase, rhsOffset = 0;
                bool valid = true;
                int wr = w;
                for (int d = K - 1; d >= 0; d--) {
                    const int kd = wr % WINDOW[d];
                    wr /= WINDOW[d];
                    rhsOffset += kd * RHS_S[d];
                    const int x = pos[d] * STRIDE[d] + kd * RHS_DIL[d] - PAD_LOW[d];
                    const int xi = x / LHS_DIL[d];
                    valid = valid && x >= 0 && xi * LHS_DIL[d] == x && xi < IN_SPATIAL[d];
                    offset += (long)xi * LHS_S[d];
                }
                if (!valid) continue;
                for (int i = 0; i < \(g.inFeatures); i++) {
                    const \(t) v = lhs[offset + (long)i * \(g.lhsC)];
                    const long r = rhsOffset + (long)i * \(g.rhsI) + (long)o0 * \(g.rhsO);
                    for (int a = 0; a < RO; a++) acc[a] += rhs[r + (long)a * \(g.rhsO)] * v;
                }
            }
            for (int a = 0; a < RO; a++) out[outOffset + (long)(o0 + a) * \(g.outO)] = acc[a];
        }

        """
    }
}
