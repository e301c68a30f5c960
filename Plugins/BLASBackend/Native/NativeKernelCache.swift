import Foundation
import TesseraCore

/// A compiled host kernel: the function over a point range of a loaded shared object.
///
/// Pointwise kernels: `entry(inputs, outputs, start, end)` computes points `start ..< end`;
/// reductions: `reduction(inputs, accumulators, start, end)` combines them into the
/// accumulators (see `HostKernelRenderer`). Shared objects stay loaded for the life of the
/// process.
package struct NativeFunction: @unchecked Sendable {
    /// The C signature of a pointwise kernel.
    package typealias Entry = @convention(c) (UnsafePointer<UnsafeRawPointer?>?, UnsafePointer<UnsafeMutableRawPointer?>?, Int, Int) -> Void
    /// The C signature of a reduction.
    package typealias ReductionEntry = @convention(c) (UnsafePointer<UnsafeRawPointer?>?, UnsafeMutableRawPointer?, Int, Int) -> Void
    /// The function's address.
    let symbol: UnsafeMutableRawPointer
    /// As a pointwise kernel.
    package var entry: Entry { unsafeBitCast(symbol, to: Entry.self) }
    /// As a reduction.
    package var reduction: ReductionEntry { unsafeBitCast(symbol, to: ReductionEntry.self) }
}

/// Compiled kernels in memory (by source, for the process) and on disk (`TESSERA_CACHE_DIR`,
/// default `~/.cache/tessera/blas`, `off` disables) as shared objects named by a hash of
/// the source, the compiler's version, the flags and the host CPU.
///
/// Each `<key>.so` has a `<key>.sum` beside it holding its length and checksum, written
/// after the object is complete; an object that is missing, truncated, corrupted or
/// fails to load is rebuilt and rewritten, never loaded.
package final class NativeKernelCache: @unchecked Sendable {
    /// Where a kernel came from.
    package enum Origin: String, Sendable {
        case memory, disk, built
    }

    /// The compiler, or nil when none was found.
    package let compiler: CCompiler?
    /// The disk cache directory, or nil when disabled.
    package let directory: URL?
    private let lock = NSLock()
    private var loaded: [String: NativeFunction] = [:]

    /// A cache using `compiler` and `directory` (nil: no disk cache).
    package init(compiler: CCompiler?, directory: URL?) {
        self.compiler = compiler
        self.directory = directory
    }

    /// `TESSERA_CACHE_DIR/blas`, or `$XDG_CACHE_HOME/tessera/blas` / `~/.cache/tessera/blas`; nil for `off`.
    package static func defaultDirectory(environment env: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if let dir = env["TESSERA_CACHE_DIR"], !dir.isEmpty {
            if dir.lowercased() == "off" { return nil }
            return URL(fileURLWithPath: dir).appendingPathComponent("blas")
        }
        let base = env["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return base.appendingPathComponent("tessera/blas")
    }

    /// The disk cache key of `source` with this cache's compiler.
    package func key(source: String) -> String {
        let text = source + "\u{0}" + (compiler?.version ?? "") + "\u{0}" + (compiler?.flags.joined(separator: " ") ?? "")
            + "\u{0}" + (compiler?.host ?? "")
        let bytes = Array(text.utf8)
        return String(format: "%016llx%016llx", Self.fnv1a(bytes, seed: 0xcbf2_9ce4_8422_2325),
                      Self.fnv1a(bytes.reversed(), seed: 0x8422_2325_cbf2_9ce4))
    }

    /// The shared object of a key in the disk cache.
    package func objectURL(key: String) -> URL? { directory?.appendingPathComponent(key + ".so") }

    /// The function `entry` of `source`, from memory, disk or a fresh compile; throws when
    /// there is no compiler or the compile fails.
    package func function(source: String, entry: String) throws -> (NativeFunction, Origin) {
        lock.lock()
        if let f = loaded[source] {
            lock.unlock()
            return (f, .memory)
        }
        lock.unlock()
        guard let compiler else {
            throw TesseraError(.unsupported, "blas: no C compiler found (set TESSERA_CC, or put clang or cc on PATH)")
        }
        let key = key(source: source)
        var origin = Origin.built
        var function: NativeFunction?
        if let object = objectURL(key: key), Self.verified(object) {
            function = try? Self.load(object, entry: entry)
            if function != nil { origin = .disk }
        }
        if function == nil {
            let fm = FileManager.default
            let dir = directory ?? fm.temporaryDirectory.appendingPathComponent("tessera-blas-\(getpid())")
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            let unique = "\(key).\(getpid()).\(UInt64.random(in: 0...UInt64.max))"
            let temporary = dir.appendingPathComponent(unique + ".so")
            defer { try? fm.removeItem(at: temporary) }
            try compiler.compile(source: source, to: temporary)
            if let object = objectURL(key: key) {
                // Checksum first, then the object: a reader never pairs a new sum with a half-written object.
                let bytes = try Data(contentsOf: temporary)
                let sum = dir.appendingPathComponent(unique + ".sum")
                try Self.checksumLine(bytes).write(to: sum, atomically: false, encoding: .utf8)
                _ = rename(sum.path, object.deletingPathExtension().appendingPathExtension("sum").path)
                guard rename(temporary.path, object.path) == 0 else {
                    throw TesseraError(.execution, "blas: could not move a compiled kernel to \(object.path): errno \(errno)")
                }
                function = try Self.load(object, entry: entry)
            } else {
                function = try Self.load(temporary, entry: entry)   // stays mapped after the file is removed
            }
        }
        lock.lock()
        defer { lock.unlock() }
        if let f = loaded[source] { return (f, .memory) }
        loaded[source] = function!
        return (function!, origin)
    }

    /// Whether `object` exists and matches the length and checksum in its `.sum` file.
    static func verified(_ object: URL) -> Bool {
        let sumURL = object.deletingPathExtension().appendingPathExtension("sum")
        guard let expected = try? String(contentsOf: sumURL, encoding: .utf8),
              let bytes = try? Data(contentsOf: object) else { return false }
        return checksumLine(bytes) == expected
    }

    /// `<length> <checksum>` of a shared object's bytes.
    static func checksumLine(_ bytes: Data) -> String {
        "\(bytes.count) " + String(format: "%016llx", fnv1a(bytes, seed: 0xcbf2_9ce4_8422_2325))
    }

    /// Loads `object` and looks up `entry`.
    static func load(_ object: URL, entry: String) throws -> NativeFunction {
        guard let handle = dlopen(object.path, RTLD_NOW | RTLD_LOCAL) else {
            let why = dlerror().map { String(cString: $0) } ?? "unknown error"
            throw TesseraError(.execution, "blas: could not load the compiled kernel \(object.path): \(why)")
        }
        guard let symbol = dlsym(handle, entry) else {
            throw TesseraError(.execution, "blas: the compiled kernel \(object.path) has no function \(entry)")
        }
        return NativeFunction(symbol: symbol)
    }

    /// 64-bit FNV-1a.
    static func fnv1a<S: Sequence>(_ bytes: S, seed: UInt64) -> UInt64 where S.Element == UInt8 {
        var h = seed
        for byte in bytes {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }
}
