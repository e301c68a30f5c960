import TesseraCore

/// How a kernel is rendered: literal shapes (jit: the compiler sees every constant) or
/// shapes passed as scalar arguments (eager: one program serves every shape of a rank).
public struct RenderOptions: Sendable, Hashable {
    /// Whether the device computes in float64 (special functions of float32 then use double).
    public var hasFloat64: Bool
    /// Shapes, offsets and strides as scalar arguments instead of literals.
    public var parametric: Bool
    /// Work-group size of reductions (a power of two).
    public var groupSize: Int

    /// Creates options.
    public init(hasFloat64: Bool, parametric: Bool = false, groupSize: Int = 64) {
        self.hasFloat64 = hasFloat64
        self.parametric = parametric
        self.groupSize = groupSize
    }
}

/// The source of one kernel and how to launch it.
///
/// Pointwise kernels have one entry `entry(buffers..., scalars...)` computing point
/// `global id` (items past the last point do nothing): launch at least one item per point. Reduction kernels have three entries:
/// - `entry(inputs..., out0, partial, G, scalars...)`: `M * G` work groups of
///   `groupSize` items; group `m * G + g` reduces chunk `g` of the `R` reduced points of
///   output `m` in local memory, then writes `out0[m]` (G == 1) or `partial[m * G + g]`;
/// - `entry_finish(partial, out0, G, M)`: combines the `G` partials of each output;
/// - `entry_rows(inputs..., out0, scalars...)`: one item per output, a sequential loop
///   (for short reductions and R == 0).
public struct RenderedKernel: Sendable {
    /// Whether the kernel stores per point or reduces.
    public enum Kind: Sendable, Equatable {
        case pointwise
        case reduction
    }
    /// The whole program.
    public var source: String
    /// The main entry's name.
    public var entry: String
    /// Pointwise or reduction.
    public var kind: Kind
    /// The integer type of index arithmetic (int32 or int64) and of the scalar arguments.
    public var indexType: DType
    /// The dtype of reduction partials (`partial` buffer elements), for reductions.
    public var partialDType: DType?
    /// The values of the shape scalars (`shapeArguments(of:)`) when parametric; empty otherwise.
    public var shapeArguments: [Int]
}
