import TesseraCore

/// A compute shader before its buffer declarations: the renderers produce these, the
/// device context adds a header for one of two binding modes and compiles it.
///
/// The body reads and writes buffer `k` as the array `bk` (`b0[i]`), reads push-constant
/// word `j` as `pc.p[j]` (uint), and is dispatched over `gl_NumWorkGroups.x` work groups
/// of `gl_WorkGroupSize.x` threads (the size is specialization constant 0).
/// - descriptor mode: buffer `k` is binding `k` of set 0 (one set layout per arity);
/// - device-address mode (for buffers over `maxStorageBufferRange`): buffer `k` is a
///   `buffer_reference` whose address is push-constant entry `ak`, before the words.
struct ShaderProgram: Hashable, Sendable {
    /// For logs and error messages.
    var name: String
    /// Element dtype of each buffer, in binding order.
    var bindings: [DType]
    /// Number of 32-bit push-constant words the body reads.
    var pushWords: Int
    /// Helper functions, shared arrays and `void main()`.
    var body: String
    /// Work-group size (specialization constant 0).
    var localSize: Int
    /// Every dtype the body computes with (selects extensions).
    var dtypes: Set<DType>
    /// Whether the body uses subgroup arithmetic.
    var usesSubgroups: Bool = false
    /// For element-wise shaders that address every buffer either at the point index `i`
    /// (true) or at fixed elements (false), with the point count in push word 0: such a
    /// shader can run over windows of its buffers, a chunk of points at a time, on devices
    /// that cannot bind a buffer over maxStorageBufferRange otherwise. nil: it cannot.
    var windowedBindings: [Bool]? = nil

    /// The GLSL type of a dtype in registers.
    static func glslType(_ d: DType) -> String {
        switch d {
        case .bool: return "bool"
        case .int32: return "int"
        case .uint32: return "uint"
        case .int64: return "int64_t"
        case .float16: return "float16_t"
        case .float32: return "float"
        case .float64: return "double"
        }
    }

    /// The GLSL type of a dtype in buffers (bool is one byte).
    static func storageType(_ d: DType) -> String { d == .bool ? "uint8_t" : glslType(d) }

    /// The complete GLSL source in one binding mode.
    func source(deviceAddress: Bool, int64Available: Bool = false) -> String {
        var lines = ["#version 450"]
        var all = dtypes.union(bindings)
        // Types the body spells out (index arithmetic in int64, float16 registers, bytes).
        if body.contains("int64_t") { all.insert(.int64) }
        if body.contains("float16_t") { all.insert(.float16) }
        if body.contains("uint8_t") { all.insert(.bool) }
        if all.contains(.bool) {
            lines.append("#extension GL_EXT_shader_8bit_storage : require")
            lines.append("#extension GL_EXT_shader_explicit_arithmetic_types_int8 : require")
        }
        if all.contains(.float16) {
            lines.append("#extension GL_EXT_shader_16bit_storage : require")
            lines.append("#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require")
        }
        if all.contains(.int64) || body.contains("TZ_HAS_INT64") && int64Available {
            lines.append("#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require")
            lines.append("#define TZ_HAS_INT64 1")
        }
        if usesSubgroups {
            lines.append("#extension GL_KHR_shader_subgroup_basic : require")
            lines.append("#extension GL_KHR_shader_subgroup_arithmetic : require")
        }
        if deviceAddress { lines.append("#extension GL_EXT_buffer_reference : require") }
        lines.append("layout(local_size_x_id = 0) in;")
        let words = "uint p[\(Swift.max(pushWords, 1))];"
        if deviceAddress {
            for (k, d) in bindings.enumerated() {
                lines.append("layout(buffer_reference, std430) buffer R\(k) { \(Self.storageType(d)) v[]; };")
            }
            let addresses = bindings.indices.map { "R\($0) a\($0);" }.joined(separator: " ")
            lines.append("layout(push_constant) uniform PC { \(addresses) \(words) } pc;")
            for k in bindings.indices { lines.append("#define b\(k) pc.a\(k).v") }
        } else {
            for (k, d) in bindings.enumerated() {
                lines.append("layout(std430, set = 0, binding = \(k)) buffer B\(k) { \(Self.storageType(d)) b\(k)[]; };")
            }
            lines.append("layout(push_constant) uniform PC { \(words) } pc;")
        }
        return lines.joined(separator: "\n") + "\n" + body
    }

    /// Push-constant bytes in a binding mode.
    func pushBytes(deviceAddress: Bool) -> Int {
        (deviceAddress ? 8 * bindings.count : 0) + 4 * Swift.max(pushWords, 1)
    }
}
