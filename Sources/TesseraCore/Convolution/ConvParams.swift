/// Which axes of `conv_general_dilated`'s operands and output are batch, feature and
/// spatial axes (JAX's `ConvDimensionNumbers`).
///
/// Each spec lists axis positions: `lhsSpec = [batch, feature, spatial...]`,
/// `rhsSpec = [outFeature, inFeature, spatial...]`, `outSpec = [batch, feature, spatial...]`.
/// ```swift
/// ConvDimensionNumbers(lhs: "NHWC", rhs: "HWIO", out: "NHWC")
/// ```
public struct ConvDimensionNumbers: Hashable, Sendable {
    public var lhsSpec: [Int]
    public var rhsSpec: [Int]
    public var outSpec: [Int]

    /// Creates dimension numbers from axis positions.
    public init(lhsSpec: [Int], rhsSpec: [Int], outSpec: [Int]) {
        self.lhsSpec = lhsSpec
        self.rhsSpec = rhsSpec
        self.outSpec = outSpec
    }

    /// Creates dimension numbers from layout strings as `jax.lax.conv_dimension_numbers`:
    /// `N`/`C` (batch/feature) for lhs and out, `O`/`I` for rhs, any other letters spatial.
    /// Spatial axes of lhs and out are matched to rhs's by letter.
    public init(lhs: String, rhs: String, out: String) {
        let l = Array(lhs), r = Array(rhs), o = Array(out)
        guard l.count == r.count, r.count == o.count, Set(l).count == l.count, Set(r).count == r.count,
              Set(o).count == o.count, l.contains("N"), l.contains("C"), o.contains("N"), o.contains("C"),
              r.contains("O"), r.contains("I"),
              Set(l.filter { $0 != "N" && $0 != "C" }) == Set(r.filter { $0 != "O" && $0 != "I" }),
              Set(o.filter { $0 != "N" && $0 != "C" }) == Set(r.filter { $0 != "O" && $0 != "I" }) else {
            usageError("conv_general_dilated: invalid layouts lhs \"\(lhs)\", rhs \"\(rhs)\", out \"\(out)\" (expected e.g. \"NCHW\", \"OIHW\", \"NCHW\")")
        }
        let spatial = r.filter { $0 != "O" && $0 != "I" }
        func spec(_ s: [Character], _ a: Character, _ b: Character) -> [Int] {
            [s.firstIndex(of: a)!, s.firstIndex(of: b)!] + spatial.map { s.firstIndex(of: $0)! }
        }
        self.init(lhsSpec: spec(l, "N", "C"), rhsSpec: spec(r, "O", "I"), outSpec: spec(o, "N", "C"))
    }

    /// The default layouts `NC...`, `OI...`, `NC...` for `spatialRank` spatial axes.
    public static func channelsFirst(spatialRank: Int) -> ConvDimensionNumbers {
        let s = Array(0..<(spatialRank + 2))
        return ConvDimensionNumbers(lhsSpec: s, rhsSpec: s, outSpec: s)
    }
}

/// Padding of one spatial axis of a convolution: `low` and `high` elements (may be negative).
public struct ConvPadding: Hashable, Sendable {
    public var low: Int
    public var high: Int
    /// Creates a padding pair.
    public init(_ low: Int, _ high: Int) {
        self.low = low
        self.high = high
    }
}

/// The parameters of `conv_general_dilated` (see `jax.lax.conv_general_dilated`).
public struct ConvParams: Hashable, Sendable {
    /// Stride of the window along each spatial axis.
    public var windowStrides: [Int]
    /// Explicit padding of each spatial axis of the (lhs-dilated) input.
    public var padding: [ConvPadding]
    /// Input dilation (transposed convolution): `lhsDilation - 1` zeros between elements.
    public var lhsDilation: [Int]
    /// Kernel (atrous) dilation.
    public var rhsDilation: [Int]
    public var dimensionNumbers: ConvDimensionNumbers
    /// Number of feature groups (depthwise convolution when equal to the input features).
    public var featureGroupCount: Int
    /// Number of batch groups (used by the kernel gradient of grouped convolutions).
    public var batchGroupCount: Int

    /// Creates convolution parameters.
    public init(windowStrides: [Int], padding: [ConvPadding], lhsDilation: [Int], rhsDilation: [Int],
                dimensionNumbers: ConvDimensionNumbers, featureGroupCount: Int = 1, batchGroupCount: Int = 1) {
        self.windowStrides = windowStrides
        self.padding = padding
        self.lhsDilation = lhsDilation
        self.rhsDilation = rhsDilation
        self.dimensionNumbers = dimensionNumbers
        self.featureGroupCount = featureGroupCount
        self.batchGroupCount = batchGroupCount
    }

    /// Number of spatial axes.
    public var spatialRank: Int { windowStrides.count }
}

/// `0` for an empty axis, else the size of `s` elements with `d - 1` holes between each pair.
func dilatedSize(_ s: Int, _ d: Int) -> Int { s == 0 ? 0 : 1 + d * (s - 1) }

/// The shape rule of `conv_general_dilated`.
enum ConvShapes {
    /// The output type for operands `lhs` and `rhs`, or a failure naming what is wrong.
    static func outputType(_ inputs: [ShapedType], _ p: ConvParams, fail: (String) -> Never) -> ShapedType {
        if inputs.count != 2 { fail("expects 2 operands, got \(inputs.count)") }
        let lhs = inputs[0], rhs = inputs[1], dn = p.dimensionNumbers, k = p.spatialRank
        if lhs.dtype != rhs.dtype { fail("operands have different dtypes \(lhs.dtype) and \(rhs.dtype); convert one with asType(_:)") }
        if lhs.dtype == .bool { fail("unsupported dtype bool") }
        if lhs.rank != k + 2 || rhs.rank != k + 2 {
            fail("operands must have rank \(k + 2) for \(k) spatial dimension(s), got shapes \(shapeString(lhs.shape)) and \(shapeString(rhs.shape))")
        }
        for (name, v) in [("padding", p.padding.count), ("lhs_dilation", p.lhsDilation.count), ("rhs_dilation", p.rhsDilation.count)] where v != k {
            fail("\(name) has \(v) entries, expected \(k)")
        }
        for spec in [dn.lhsSpec, dn.rhsSpec, dn.outSpec] where spec.sorted() != Array(0..<(k + 2)) {
            fail("dimension numbers \(spec) are not a permutation of 0..<\(k + 2)")
        }
        if (p.windowStrides + p.lhsDilation + p.rhsDilation).contains(where: { $0 < 1 }) {
            fail("strides and dilations must be positive, got strides \(p.windowStrides), lhs_dilation \(p.lhsDilation), rhs_dilation \(p.rhsDilation)")
        }
        let g = p.featureGroupCount, b = p.batchGroupCount
        if g < 1 || b < 1 || (g > 1 && b > 1) { fail("feature_group_count \(g) and batch_group_count \(b) must be positive and not both above 1") }
        let n = lhs.shape[dn.lhsSpec[0]], c = lhs.shape[dn.lhsSpec[1]]
        let o = rhs.shape[dn.rhsSpec[0]], i = rhs.shape[dn.rhsSpec[1]]
        if c != i * g {
            fail("lhs feature dimension \(c) must equal rhs input feature dimension \(i) times feature_group_count \(g) (shapes \(shapeString(lhs.shape)) and \(shapeString(rhs.shape)))")
        }
        if o % g != 0 { fail("rhs output feature dimension \(o) must be a multiple of feature_group_count \(g)") }
        if n % b != 0 || o % b != 0 {
            fail("lhs batch dimension \(n) and rhs output feature dimension \(o) must be multiples of batch_group_count \(b)")
        }
        var out = [Int](repeating: 0, count: k + 2)
        out[dn.outSpec[0]] = n / b
        out[dn.outSpec[1]] = o
        for d in 0..<k {
            let input = dilatedSize(lhs.shape[dn.lhsSpec[d + 2]], p.lhsDilation[d]) + p.padding[d].low + p.padding[d].high
            let window = dilatedSize(rhs.shape[dn.rhsSpec[d + 2]], p.rhsDilation[d])
            out[dn.outSpec[d + 2]] = input < window ? 0 : (input - window) / p.windowStrides[d] + 1
        }
        return ShapedType(out, lhs.dtype)
    }
}
