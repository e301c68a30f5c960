import Foundation

/// The on-disk cache location: `$TESSERA_CACHE_DIR/vulkan`, else
/// `$XDG_CACHE_HOME/tessera/vulkan` or `~/.cache/tessera/vulkan`; `TESSERA_CACHE_DIR=off`
/// disables the disk caches.
enum VulkanCacheDirectory {
    /// The directory (created on demand), or nil when disk caching is off.
    static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        let base: URL
        if let dir = environment["TESSERA_CACHE_DIR"], !dir.isEmpty {
            if dir.lowercased() == "off" { return nil }
            base = URL(fileURLWithPath: dir)
        } else if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            base = URL(fileURLWithPath: xdg).appendingPathComponent("tessera")
        } else {
            base = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/tessera")
        }
        return base.appendingPathComponent("vulkan")
    }

    /// Writes `data` to `url` atomically (temporary file + rename); failures are ignored
    /// (a cache that cannot be written is only slower).
    static func write(_ data: Data, to url: URL) {
        let dir = url.deletingLastPathComponent()
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        do {
            try data.write(to: tmp)
            if rename(tmp.path, url.path) != 0 { try? FileManager.default.removeItem(at: tmp) }
        } catch {
            try? FileManager.default.removeItem(at: tmp)
        }
    }
}

/// A 128-bit FNV-1a-style content hash (two 64-bit lanes with different offsets), as hex.
/// Keys cache files by GLSL source; collisions are checked by storing the key in the file.
enum ContentHash {
    static func fnv64(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        var h = seed
        for b in bytes {
            h ^= UInt64(b)
            h &*= 0x100_0000_01b3
        }
        return h
    }

    static func hex(_ string: String) -> String {
        var s = string
        return s.withUTF8 { buf in
            let raw = UnsafeRawBufferPointer(buf)
            let a = fnv64(raw, seed: 0xcbf2_9ce4_8422_2325)
            let b = fnv64(raw, seed: 0x8422_2325_cbf2_9ce4 ^ UInt64(raw.count))
            return hex64(a) + hex64(b)
        }
    }

    static func hex64(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    static func checksum(_ data: Data) -> UInt64 {
        data.withUnsafeBytes { fnv64($0, seed: 0xcbf2_9ce4_8422_2325) }
    }
}
