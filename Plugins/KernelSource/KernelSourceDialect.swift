import TesseraCore

/// The spelling of one C-like kernel language (OpenCL C, GLSL compute) as used by
/// `KernelSourceRenderer`.
///
/// The renderer decides *what* to compute (index arithmetic, the op table, the reduction
/// tree); a dialect decides how it is written: type names, literals, buffer declarations
/// and accesses, built-in ids, local memory and barriers, conversions and bit casts.
/// Registers of bool are the dialect's boolean type; buffers hold bool as one byte.
///
/// ```swift
/// let source = try KernelSourceRenderer(dialect: OpenCLDialect()).render(kernel).source
/// ```
public protocol KernelSourceDialect: Sendable {
    /// A short name for messages (`OpenCL C`).
    var name: String { get }
    /// Lines at the top of every program (extension pragmas, defines).
    func prelude(dtypes: Set<DType>) -> String
    /// The type of a register holding `dtype` (float16 registers are float: every float16
    /// result is rounded to half, as the reference backend computes in Float).
    func registerType(_ dtype: DType) -> String
    /// The element type of a buffer of `dtype`.
    func storageType(_ dtype: DType) -> String
    /// The integer type used for index arithmetic (int32 or int64).
    func indexType(_ dtype: DType) -> String
    /// A literal of `dtype` (float literals exact, e.g. as hexadecimal floats).
    func literal(_ value: ScalarLiteral, as dtype: DType) -> String
    /// The kernel entry's opening line up to and including `{`.
    func kernelHeader(name: String, buffers: [KernelBufferParameter], scalars: [(name: String, type: String)]) -> String
    /// An expression reading element `index` of buffer `buffer` as a register value.
    func load(buffer: String, index: String, dtype: DType) -> String
    /// A statement writing register expression `value` at `index` of buffer `buffer`.
    func store(buffer: String, index: String, value: String, dtype: DType) -> String
    /// The global id, global size, local id, group id of dimension 0.
    var globalID: String { get }
    var globalSize: String { get }
    var localID: String { get }
    var groupID: String { get }
    /// A statement declaring a work-group-shared array.
    func localArray(type: String, name: String, count: Int) -> String
    /// A work-group barrier for shared memory.
    var localBarrier: String { get }
    /// Qualifier for helper functions (`inline`).
    var helperQualifier: String { get }
    /// The name of a math library function for a floating register type (`exp`, `fmod`).
    func math(_ function: String, _ dtype: DType) -> String
    /// Reinterprets the bits of `expression` (of `from`) as `to` (same size).
    func bitcast(_ expression: String, from: DType, to: DType) -> String
    /// `(type)(expression)`: a plain C conversion (wrapping for integers, nearest for floats).
    func cast(_ expression: String, to type: String) -> String
    /// Expression: whether a floating register is NaN / finite (as the dialect's bool).
    func isNaN(_ expression: String) -> String
    func isFinite(_ expression: String) -> String
    /// Expression rounding a float register to the nearest half (float16 registers).
    func roundToHalf(_ expression: String) -> String
}

/// A buffer parameter of a kernel entry.
public struct KernelBufferParameter: Sendable, Hashable {
    /// Parameter name (`in0`, `out0`).
    public var name: String
    /// Element dtype.
    public var dtype: DType
    /// Whether the kernel writes it.
    public var writable: Bool
    /// Creates a parameter.
    public init(name: String, dtype: DType, writable: Bool) {
        self.name = name
        self.dtype = dtype
        self.writable = writable
    }
}
