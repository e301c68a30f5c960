import Foundation
import TesseraCore

/// The host C compiler used for native fused kernels: `TESSERA_CC` if set, else `clang`
/// next to the `swift` on `PATH` (the toolchain's), else `clang`, `cc` or `gcc` on `PATH`.
///
/// Kernels compile to shared objects with `-O3 -march=native -ffp-contract=off -fPIC
/// -shared` (no fast-math: NaN, Inf and signed zeros behave as IEEE 754, and `a * b + c` is
/// never contracted into an fma, so native results equal the interpreter's and eager ones).
///
/// ```swift
/// if let cc = CCompiler.find() { try cc.compile(source: src, to: URL(fileURLWithPath: "/tmp/k.so")) }
/// ```
package struct CCompiler: Sendable {
    /// The compiler executable.
    package let path: String
    /// Its `--version` first line (part of the disk cache key).
    package let version: String
    /// The flags every kernel is compiled with (part of the disk cache key).
    package let flags: [String]
    /// The host CPU's model and feature flags (part of the disk cache key: `-march=native`
    /// objects must not load on another CPU sharing the cache directory).
    package let host: String

    /// The default flags.
    package static let defaultFlags = ["-O3", "-march=native", "-ffp-contract=off", "-fno-math-errno", "-fPIC", "-shared", "-std=gnu11", "-w"]

    /// A compiler at `path`, or nil when it does not run.
    package init?(path: String, flags: [String] = CCompiler.defaultFlags) {
        guard FileManager.default.isExecutableFile(atPath: path),
              let out = try? CCompiler.capture(path, ["--version"]), out.status == 0 else { return nil }
        self.path = path
        version = out.output.split(separator: "\n").first.map(String.init) ?? path
        self.flags = flags
        host = CCompiler.hostCPU()
    }

    /// `model name` and `flags` of the first CPU in /proc/cpuinfo.
    static func hostCPU() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown CPU" }
        var model = "", features = ""
        for line in text.split(separator: "\n") {
            if model.isEmpty && line.hasPrefix("model name") { model = String(line) }
            if features.isEmpty && line.hasPrefix("flags") { features = String(line) }
            if !model.isEmpty && !features.isEmpty { break }
        }
        return model + "\n" + features
    }

    /// The first working compiler in the search order (see the type's documentation).
    package static func find(environment: [String: String] = ProcessInfo.processInfo.environment) -> CCompiler? {
        if let explicit = environment["TESSERA_CC"], !explicit.isEmpty {
            return resolve(explicit, environment: environment).flatMap { CCompiler(path: $0) }
        }
        var candidates: [String] = []
        if let swift = resolve("swift", environment: environment) {
            let real = URL(fileURLWithPath: swift).resolvingSymlinksInPath().deletingLastPathComponent()
            candidates.append(real.appendingPathComponent("clang").path)
        }
        for name in ["clang", "cc", "gcc"] { if let p = resolve(name, environment: environment) { candidates.append(p) } }
        for c in candidates { if let compiler = CCompiler(path: c) { return compiler } }
        return nil
    }

    /// `name` as an absolute path: itself if it contains a `/`, else searched on `PATH`.
    static func resolve(_ name: String, environment: [String: String]) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        for dir in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = String(dir) + "/" + name
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// Compiles `source` to the shared object `output` (through a `.c` file next to it);
    /// throws `.compilation` with the compiler's messages and the source on failure.
    package func compile(source: String, to output: URL) throws {
        let cFile = output.deletingPathExtension().appendingPathExtension("c")
        try source.write(to: cFile, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: cFile) }
        let result = try CCompiler.capture(path, flags + ["-o", output.path, cFile.path, "-lm"])
        if result.status != 0 {
            throw TesseraError(.compilation, "blas: \(path) failed (status \(result.status)) on a fused kernel:\n\(result.output)\nsource:\n\(source)")
        }
    }

    /// Runs `executable` with `arguments`; returns its exit status and merged output.
    static func capture(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
