import Foundation

/// Program binaries on disk: one file per (source, device name, driver version, build
/// options), named by a 128-bit hash of them.
///
/// File layout: the 8-byte magic `TSRCLB01`, the binary's length and its 64-bit FNV-1a
/// checksum (little-endian UInt64 each), then the binary. A file that is short, has the
/// wrong magic, length or checksum reads as nil (the caller rebuilds and overwrites it).
struct ProgramDiskCache: Sendable {
    /// The directory holding the files.
    let directory: URL
    static let magic = Array("TSRCLB01".utf8)

    /// The file for a program key.
    func url(forKey key: String) -> URL { directory.appendingPathComponent(key + ".clbin") }

    /// The cache key of a program: hash of source, device, driver and options.
    static func key(source: String, device: String, driver: String, options: String) -> String {
        let text = source + "\u{0}" + device + "\u{0}" + driver + "\u{0}" + options
        let bytes = Array(text.utf8)
        let a = fnv1a(bytes, seed: 0xcbf2_9ce4_8422_2325)
        let b = fnv1a(bytes.reversed(), seed: 0x8422_2325_cbf2_9ce4)
        return String(format: "%016llx%016llx", a, b)
    }

    /// 64-bit FNV-1a.
    static func fnv1a<S: Sequence>(_ bytes: S, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 where S.Element == UInt8 {
        var h = seed
        for byte in bytes {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }

    /// The binary stored under `key`, or nil when there is no valid file.
    func read(key: String) -> [UInt8]? {
        guard let data = try? Data(contentsOf: url(forKey: key)) else { return nil }
        let bytes = [UInt8](data)
        guard bytes.count >= 24, Array(bytes[0..<8]) == Self.magic else { return nil }
        let length = bytes[8..<16].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        let checksum = bytes[16..<24].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length > 0, UInt64(bytes.count - 24) == length else { return nil }
        let binary = Array(bytes[24...])
        guard Self.fnv1a(binary) == checksum else { return nil }
        return binary
    }

    /// Writes `binary` under `key` atomically (a temporary file renamed into place).
    func write(key: String, binary: [UInt8]) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var bytes = Self.magic
        for v in [UInt64(binary.count), Self.fnv1a(binary)] {
            for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
        }
        bytes += binary
        try Data(bytes).write(to: url(forKey: key), options: .atomic)
    }
}
