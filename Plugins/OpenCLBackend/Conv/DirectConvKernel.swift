import COpenCL
import KernelSource
import TesseraCore

/// `conv_general_dilated` as one direct OpenCL kernel (float32/float64): no im2col buffer.
///
/// Each work item computes a register block of `RO` output features × `RP` consecutive
/// output positions of one batch entry (`RO` divides the features per group, so a block
/// stays in one group): every weight it loads serves `RP` positions and every input
/// element `RO` features. The geometry (layouts as strides, window, strides, padding,
/// dilations, groups) is compiled into the source as constants, so one program serves one
/// convolution shape (cached in memory and on disk like every program). Other dtypes and
/// empty operands return nil (the caller uses the im2col lowering).
struct DirectConvKernel {
    let context: OpenCLDeviceContext
    /// Output positions per work item.
    static let positionsPerItem = 4

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
        let rp = Self.positionsPerItem
        try context.launch(kernel, "conv_direct", [.buffer(lhs), .buffer(rhs), .buffer(out)],
                           global: [(g.positions + rp - 1) / rp, g.outFeatures / g.featuresPerItem, g.outBatch], local: nil, outputs: [out])
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
            featuresPerItem = groupOut % 4 == 0 ? 4 : (groupOut % 2 == 0 ? 2 : 1)
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
        let t = dialect.registerType(dtype), rp = positionsPerItem, ro = g.featuresPerItem
        func list(_ v: [Int]) -> String { "{" + v.map(String.init).joined(separator: ", ") + "}" }
        let lhsBase = g.batchGroups ? "(long)(q * \(g.outBatch) + n) * \(g.lhsN)" : "(long)n * \(g.lhsN) + (long)q * \(g.inFeatures * g.lhsC)"
        return dialect.prelude(dtypes: [dtype]) + """
        #define K \(g.k)
        #define RP \(rp)
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
            const int p0 = (int)get_global_id(0) * RP, o0 = (int)get_global_id(1) * RO, n = (int)get_global_id(2);
            const int q = o0 / \(g.groupOut);
            const long lhsBase = \(lhsBase);
            int pos[RP][K];
            for (int r = 0; r < RP; r++) {
                int p = min(p0 + r, \(g.positions - 1));
                for (int d = K - 1; d >= 0; d--) { pos[r][d] = p % OUT_SPATIAL[d]; p /= OUT_SPATIAL[d]; }
            }
            \(t) acc[RO][RP];
            for (int a = 0; a < RO; a++) for (int r = 0; r < RP; r++) acc[a][r] = 0;
            for (int i = 0; i < \(g.inFeatures); i++) {
                const long lhsFeature = lhsBase + (long)i * \(g.lhsC);
                for (int w = 0; w < \(g.windowCount); w++) {
                    int kd[K];
                    long rhsOffset = (long)i * \(g.rhsI);
                    int rest = w;
                    for (int d = K - 1; d >= 0; d--) { kd[d] = rest % WINDOW[d]; rest /= WINDOW[d]; rhsOffset += kd[d] * RHS_S[d]; }
                    \(t) wv[RO];
                    for (int a = 0; a < RO; a++) wv[a] = rhs[(long)(o0 + a) * \(g.rhsO) + rhsOffset];
                    for (int r = 0; r < RP; r++) {
                        long offset = lhsFeature;
                        bool valid = true;
                        for (int d = 0; d < K; d++) {
                            const int x = pos[r][d] * STRIDE[d] + kd[d] * RHS_DIL[d] - PAD_LOW[d];
                            const int xi = x / LHS_DIL[d];
                            valid = valid && x >= 0 && xi * LHS_DIL[d] == x && xi < IN_SPATIAL[d];
                            offset += (long)xi * LHS_S[d];
                        }
                        const \(t) v = valid ? lhs[offset] : (\(t))0;
                        for (int a = 0; a < RO; a++) acc[a][r] += wv[a] * v;
                    }
                }
            }
            for (int r = 0; r < RP; r++) {
                if (p0 + r >= \(g.positions)) break;
                long offset = (long)n * \(g.outN);
                for (int d = 0; d < K; d++) offset += pos[r][d] * OUT_S[d];
                for (int a = 0; a < RO; a++) out[offset + (long)(o0 + a) * \(g.outO)] = acc[a][r];
            }
        }

        """
    }
}
