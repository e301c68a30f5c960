extension Lax {
    /// `conv_general_dilated(lhs, rhs)` with explicit parameters (operands of one dtype).
    public static func convGeneralDilated(_ lhs: Tensor, _ rhs: Tensor, _ params: ConvParams) -> Tensor {
        bind1(.convGeneralDilated(params), lhs, rhs)
    }
}

/// Differentiation rules and printed parameters of `conv_general_dilated`: it is linear
/// in each operand, and its transposes are convolutions (JAX's
/// `_conv_general_dilated_transpose_lhs/rhs`).
enum ConvRules {
    /// The jaxpr parameters, spelled as JAX prints them.
    static func params(_ p: ConvParams) -> [(String, String)] {
        func tuple(_ xs: [Int]) -> String { xs.count == 1 ? "(\(xs[0]),)" : "(" + xs.map(String.init).joined(separator: ", ") + ")" }
        let dn = p.dimensionNumbers
        return [("batch_group_count", "\(p.batchGroupCount)"),
                ("dimension_numbers", "ConvDimensionNumbers(lhs_spec=\(tuple(dn.lhsSpec)), rhs_spec=\(tuple(dn.rhsSpec)), out_spec=\(tuple(dn.outSpec)))"),
                ("feature_group_count", "\(p.featureGroupCount)"),
                ("lhs_dilation", tuple(p.lhsDilation)),
                ("padding", "(" + p.padding.map { "(\($0.low), \($0.high))" }.joined(separator: ", ") + (p.padding.count == 1 ? ",)" : ")")),
                ("precision", "None"), ("preferred_element_type", "None"),
                ("rhs_dilation", tuple(p.rhsDilation)),
                ("window_strides", tuple(p.windowStrides))]
    }

    /// Outputs and tangent: the sum of the convolution of each tangent with the other primal.
    static func jvp(_ p: ConvParams, primals: [Tensor], tangents: [Tensor?]) -> ([Tensor], [Tensor?]) {
        let out = Lax.convGeneralDilated(primals[0], primals[1], p)
        var terms: [Tensor] = []
        if let t = tangents[0] { terms.append(Lax.convGeneralDilated(t, primals[1], p)) }
        if let t = tangents[1] { terms.append(Lax.convGeneralDilated(primals[0], t, p)) }
        guard let first = terms.first else { return ([out], [nil]) }
        return ([out], [terms.count == 2 ? Lax.binary(.add, first, terms[1]) : first])
    }

    /// Cotangents of lhs and rhs.
    static func vjp(_ p: ConvParams, inputs: [Tensor], cotangent: Tensor, needs: [Bool]) -> [Tensor?] {
        [needs[0] ? transposeLHS(cotangent, lhs: inputs[0], rhs: inputs[1], p) : nil,
         needs[1] ? transposeRHS(cotangent, lhs: inputs[0], rhs: inputs[1], p) : nil]
    }

    static func specTranspose(_ s: [Int]) -> [Int] { [s[1], s[0]] + s.dropFirst(2) }

    /// The cotangent of lhs: a convolution of `g` with the spatially reversed kernel.
    static func transposeLHS(_ g: Tensor, lhs: Tensor, rhs: Tensor, _ p: ConvParams) -> Tensor {
        let dn = p.dimensionNumbers, k = p.spatialRank
        var rhs = rhs, groups = p.featureGroupCount
        if p.featureGroupCount > 1 {
            rhs = reshapeAxisOutOf(dn.rhsSpec[0], p.featureGroupCount, rhs)
            rhs = reshapeAxisInto(dn.rhsSpec[0], dn.rhsSpec[1], rhs)
        } else if p.batchGroupCount > 1 {
            rhs = reshapeAxisOutOf(dn.rhsSpec[0], p.batchGroupCount, rhs)
            rhs = reshapeAxisInto(dn.rhsSpec[0], dn.rhsSpec[1], rhs)
            groups = p.batchGroupCount
        }
        let padding = (0..<k).map { d -> ConvPadding in
            let lhsDilated = dilatedSize(lhs.shape[dn.lhsSpec[d + 2]], p.lhsDilation[d])
            let rhsDilated = dilatedSize(rhs.shape[dn.rhsSpec[d + 2]], p.rhsDilation[d])
            let outDilated = dilatedSize(g.shape[dn.outSpec[d + 2]], p.windowStrides[d])
            let before = rhsDilated - p.padding[d].low - 1
            return ConvPadding(before, lhsDilated + rhsDilated - 1 - outDilated - before)
        }
        let spatial = Array(dn.rhsSpec.dropFirst(2))
        let t = ConvParams(windowStrides: p.lhsDilation, padding: padding, lhsDilation: p.windowStrides,
                           rhsDilation: p.rhsDilation,
                           dimensionNumbers: ConvDimensionNumbers(lhsSpec: dn.outSpec, rhsSpec: specTranspose(dn.rhsSpec),
                                                                  outSpec: dn.lhsSpec),
                           featureGroupCount: groups, batchGroupCount: 1)
        var out = Lax.convGeneralDilated(g, Lax.rev(rhs, axes: spatial), t)
        if p.batchGroupCount > 1 {
            out = reshapeAxisOutOf(dn.lhsSpec[1], p.batchGroupCount, out)
            out = reshapeAxisInto(dn.lhsSpec[1], dn.lhsSpec[0], out)
        }
        return out
    }

    /// The cotangent of rhs: a convolution of lhs with `g` as the kernel.
    static func transposeRHS(_ g: Tensor, lhs: Tensor, rhs: Tensor, _ p: ConvParams) -> Tensor {
        if g.shape.contains(0) { return Lax.zerosLike(rhs) }
        let dn = p.dimensionNumbers, k = p.spatialRank
        var featureGroups = p.featureGroupCount, batchGroups = p.batchGroupCount
        if batchGroups > 1 {
            featureGroups = batchGroups
            batchGroups = 1
        } else if featureGroups > 1 {
            batchGroups = featureGroups
            featureGroups = 1
        }
        let padding = (0..<k).map { d -> ConvPadding in
            let lhsDilated = dilatedSize(lhs.shape[dn.lhsSpec[d + 2]], p.lhsDilation[d])
            let rhsDilated = dilatedSize(rhs.shape[dn.rhsSpec[d + 2]], p.rhsDilation[d])
            let outDilated = dilatedSize(g.shape[dn.outSpec[d + 2]], p.windowStrides[d])
            let low = p.padding[d].low
            return ConvPadding(low, (outDilated - lhsDilated) + (rhsDilated - low - 1))
        }
        let t = ConvParams(windowStrides: p.rhsDilation, padding: padding, lhsDilation: p.lhsDilation,
                           rhsDilation: p.windowStrides,
                           dimensionNumbers: ConvDimensionNumbers(lhsSpec: specTranspose(dn.lhsSpec),
                                                                  rhsSpec: specTranspose(dn.outSpec),
                                                                  outSpec: specTranspose(dn.rhsSpec)),
                           featureGroupCount: featureGroups, batchGroupCount: batchGroups)
        return Lax.convGeneralDilated(lhs, g, t)
    }

    /// Splits axis `src` into `(size1, n / size1)` (JAX's `_reshape_axis_out_of`).
    static func reshapeAxisOutOf(_ src: Int, _ size1: Int, _ x: Tensor) -> Tensor {
        var shape = x.shape
        shape.replaceSubrange(src...src, with: [size1, shape[src] / size1])
        return Lax.reshape(x, shape)
    }

    /// Merges axis `src` into axis `dst` (indexed with `src` removed) as its major part
    /// (JAX's `_reshape_axis_into`).
    static func reshapeAxisInto(_ src: Int, _ dst: Int, _ x: Tensor) -> Tensor {
        var perm = (0..<x.rank).filter { $0 != src }
        perm.insert(src, at: dst)
        var shape = x.shape
        shape.remove(at: src)
        shape[dst] *= x.shape[src]
        return Lax.reshape(Lax.transpose(x, perm), shape)
    }
}
