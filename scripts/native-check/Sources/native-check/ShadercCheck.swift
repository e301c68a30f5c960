import CShaderc

let computeGLSL = """
#version 450
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer A { float a[]; };
layout(std430, set = 0, binding = 1) readonly buffer B { float b[]; };
layout(std430, set = 0, binding = 2) writeonly buffer C { float c[]; };
layout(push_constant) uniform PC { uint n; } pc;
void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i < pc.n) { c[i] = a[i] * b[i] + 1.0; }
}
"""

/// Compiles GLSL compute source to SPIR-V words. Throws with shaderc's error message.
func compileGLSL(_ source: String, name: String = "kernel.comp") throws -> [UInt32] {
    guard let compiler = shaderc_compiler_initialize() else { throw CheckError("shaderc_compiler_initialize failed") }
    defer { shaderc_compiler_release(compiler) }
    guard let options = shaderc_compile_options_initialize() else { throw CheckError("shaderc options init failed") }
    defer { shaderc_compile_options_release(options) }
    shaderc_compile_options_set_target_env(options, shaderc_target_env_vulkan, UInt32(shaderc_env_version_vulkan_1_2.rawValue))
    shaderc_compile_options_set_optimization_level(options, shaderc_optimization_level_performance)
    let utf8 = Array(source.utf8)
    let result = utf8.withUnsafeBufferPointer { buf in
        buf.withMemoryRebound(to: CChar.self) { cbuf in
            shaderc_compile_into_spv(compiler, cbuf.baseAddress, cbuf.count,
                                     shaderc_glsl_compute_shader, name, "main", options)
        }
    }
    guard let result else { throw CheckError("shaderc_compile_into_spv returned nil") }
    defer { shaderc_result_release(result) }
    let status = shaderc_result_get_compilation_status(result)
    guard status == shaderc_compilation_status_success else {
        throw CheckError("shaderc: status \(status.rawValue): \(String(cString: shaderc_result_get_error_message(result)))")
    }
    let length = shaderc_result_get_length(result)
    let bytes = shaderc_result_get_bytes(result)!
    var words = [UInt32](repeating: 0, count: length / 4)
    words.withUnsafeMutableBytes { dst in
        dst.copyMemory(from: UnsafeRawBufferPointer(start: bytes, count: length))
    }
    return words
}

func checkShaderc() throws -> [UInt32] {
    let clock = ContinuousClock()
    var words: [UInt32] = []
    let t = try clock.measure { words = try compileGLSL(computeGLSL) }
    let t2 = try clock.measure { _ = try compileGLSL(computeGLSL) }
    guard words.first == 0x0723_0203 else { throw CheckError("bad SPIR-V magic \(String(words.first ?? 0, radix: 16))") }
    report("shaderc", "compiled GLSL compute shader to \(words.count) SPIR-V words (magic 0x07230203) in \(ms(t)) first, \(ms(t2)) second")
    // An error must come back as a message, not a crash.
    do {
        _ = try compileGLSL("#version 450\nvoid main() { undefined_thing(); }")
        throw CheckError("expected compile error")
    } catch let e as CheckError where e.message.hasPrefix("shaderc: status") {
        report("shaderc", "bad source reports: \(e.message.split(separator: "\n").first ?? "")")
    }
    return words
}
