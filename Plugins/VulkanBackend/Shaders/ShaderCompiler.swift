import CShaderc
import Foundation
import TesseraCore

/// GLSL -> SPIR-V with shaderc, cached on disk by the hash of the source.
///
/// A cache file is `TSPV` + checksum (8 bytes) + the source hash (32 bytes) + SPIR-V words.
/// A file whose checksum, key or SPIR-V magic does not match is treated as absent: the
/// shader is compiled again and the file rewritten.
struct ShaderCompiler: Sendable {
    let cacheDirectory: URL?
    let deviceName: String

    /// Counters for tests and logs.
    final class Statistics: @unchecked Sendable {
        private let lock = NSLock()
        private var _compiles = 0, _diskHits = 0, _rebuilt = 0
        var compiles: Int { lock.withLock { _compiles } }
        var diskHits: Int { lock.withLock { _diskHits } }
        var rebuiltCorruptFiles: Int { lock.withLock { _rebuilt } }
        func count(compile: Bool = false, hit: Bool = false, rebuilt: Bool = false) {
            lock.withLock {
                if compile { _compiles += 1 }
                if hit { _diskHits += 1 }
                if rebuilt { _rebuilt += 1 }
            }
        }
    }
    let statistics = Statistics()

    func cacheURL(forKey key: String) -> URL? {
        cacheDirectory?.appendingPathComponent("spirv").appendingPathComponent(key + ".spv")
    }

    /// SPIR-V for `source` (from the disk cache when present and intact).
    func spirv(for source: String, name: String) throws -> [UInt32] {
        let key = ContentHash.hex(source)
        if let url = cacheURL(forKey: key), let data = try? Data(contentsOf: url) {
            if let words = Self.decode(data, key: key) {
                statistics.count(hit: true)
                VulkanLog.info("vulkan: SPIR-V cache hit for \(name) (\(key.prefix(12)))")
                return words
            }
            statistics.count(rebuilt: true)
            VulkanLog.info("vulkan: SPIR-V cache file \(url.lastPathComponent) is corrupted; recompiling")
        }
        let words = try compile(source, name: name)
        if let url = cacheURL(forKey: key) { VulkanCacheDirectory.write(Self.encode(words, key: key), to: url) }
        return words
    }

    static func encode(_ words: [UInt32], key: String) -> Data {
        var payload = Data(key.utf8)
        words.withUnsafeBytes { payload.append(contentsOf: $0) }
        var data = Data("TSPV".utf8)
        withUnsafeBytes(of: ContentHash.checksum(payload).littleEndian) { data.append(contentsOf: $0) }
        data.append(payload)
        return data
    }

    static func decode(_ data: Data, key: String) -> [UInt32]? {
        let keyBytes = Data(key.utf8)
        guard data.count > 12 + keyBytes.count + 4, data.prefix(4) == Data("TSPV".utf8) else { return nil }
        let stored = data.subdata(in: 4..<12).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        let payload = data.subdata(in: 12..<data.count)
        guard UInt64(littleEndian: stored) == ContentHash.checksum(payload), payload.prefix(keyBytes.count) == keyBytes else { return nil }
        let body = payload.subdata(in: keyBytes.count..<payload.count)
        guard body.count % 4 == 0 else { return nil }
        let words = body.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
        return words.first == 0x0723_0203 ? words : nil
    }

    /// Compiles with shaderc; a failure throws `.compilation` with shaderc's message and the
    /// numbered GLSL source.
    func compile(_ source: String, name: String) throws -> [UInt32] {
        statistics.count(compile: true)
        VulkanLog.info("vulkan: compiling \(name) with shaderc")
        VulkanLog.debug("vulkan: GLSL for \(name):\n\(source)")
        guard let compiler = shaderc_compiler_initialize() else {
            throw TesseraError(.compilation, "\(deviceName): shaderc_compiler_initialize failed")
        }
        defer { shaderc_compiler_release(compiler) }
        guard let options = shaderc_compile_options_initialize() else {
            throw TesseraError(.compilation, "\(deviceName): shaderc_compile_options_initialize failed")
        }
        defer { shaderc_compile_options_release(options) }
        shaderc_compile_options_set_target_env(options, shaderc_target_env_vulkan, UInt32(shaderc_env_version_vulkan_1_2.rawValue))
        shaderc_compile_options_set_optimization_level(options, shaderc_optimization_level_performance)
        let utf8 = Array(source.utf8)
        let result = utf8.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { cbuf in
                shaderc_compile_into_spv(compiler, cbuf.baseAddress, cbuf.count, shaderc_glsl_compute_shader,
                                         name + ".comp", "main", options)
            }
        }
        guard let result else { throw TesseraError(.compilation, "\(deviceName): shaderc returned no result for \(name)") }
        defer { shaderc_result_release(result) }
        let status = shaderc_result_get_compilation_status(result)
        guard status == shaderc_compilation_status_success else {
            let message = String(cString: shaderc_result_get_error_message(result))
            let numbered = source.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                .map { "\($0 + 1)\t\($1)" }.joined(separator: "\n")
            throw TesseraError(.compilation, "\(deviceName): shaderc could not compile kernel \(name) (status \(status.rawValue)):\n\(message)\nGLSL source:\n\(numbered)")
        }
        let length = shaderc_result_get_length(result)
        let bytes = shaderc_result_get_bytes(result)!
        var words = [UInt32](repeating: 0, count: length / 4)
        words.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: bytes, count: length)) }
        return words
    }
}

/// Logging under `TESSERA_LOG` (`info`: compiles and cache hits; `debug`: also GLSL).
enum VulkanLog {
    static let level: Int = {
        switch ProcessInfo.processInfo.environment["TESSERA_LOG"]?.lowercased() {
        case "debug", "trace": return 2
        case "info": return 1
        default: return 0
        }
    }()
    static func info(_ message: @autoclosure () -> String) {
        if level >= 1 { FileHandle.standardError.write(Data((message() + "\n").utf8)) }
    }
    static func debug(_ message: @autoclosure () -> String) {
        if level >= 2 { FileHandle.standardError.write(Data((message() + "\n").utf8)) }
    }
}
