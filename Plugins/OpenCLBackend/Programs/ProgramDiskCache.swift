import Foundation

/// Program binaries on disk: one file per (source, device name, driver version, build
/// options), named by a 128-bit hash of them.
///
/// File layout: the 8-byte magic `TSRCLB02`, the binary's length and its checksum
/// (`checksum(_:)`, little-endian UInt64 each), then the binary. A file that is short, has the
/// wrong magic, length or checksum reads as nil (the caller rebuilds and overwrites it).
struct ProgramDiskCache: Sendable {
    /// The directory holding the files.
    let directory: URL
    static let magic = Array("TSRCLB02".utf8)

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

    /// A 64-bit FNV-1a-style checksum taken over 8-byte words (then the tail bytes), fast
    /// enough to check a 100 KB binary in well under a millisecond.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        let words = bytes.count / 8
        var i = 0
        while i < words {
            h = (h ^ bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) &* 0x0000_0100_0000_01b3
            i += 1
        }
        var j = words * 8
        while j < bytes.count {
            h = (h ^ UInt64(bytes[j])) &* 0x0000_0100_0000_01b3
            j += 1
        }
        return h ^ UInt64(bytes.count)
    }

    /// The binary stored under `key`, or nil when there is no valid file.
    func read(key: String) -> [UInt8]? {
        guard let data = try? Data(contentsOf: url(forKey: key)), data.count >= 24 else { return nil }
        return data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> [UInt8]? in
            guard raw.prefix(8).elementsEqual(Self.magic) else { return nil }
            let length = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            let checksum = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
            guard length > 0, UInt64(raw.count - 24) == length else { return nil }
            let binary = UnsafeRawBufferPointer(rebasing: raw[24...])
            guard Self.checksum(binary) == checksum else { return nil }
            return [UInt8](binary)
        }
    }

    /// Writes `binary` under `key` atomically (a temporary file renamed into place).
    func write(key: String, binary: [UInt8]) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var bytes = Self.magic
        for v in [UInt64(binary.count), binary.withUnsafeBytes(Self.checksum)] {
            for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
        }
        bytes += binary
        try Data(bytes).write(to: url(forKey: key), options: .atomic)
    }
}
