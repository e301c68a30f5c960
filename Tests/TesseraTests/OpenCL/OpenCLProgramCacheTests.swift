import Foundation
import Testing
@testable import Tessera
@testable import OpenCLBackend

/// The program cache: memory hits, disk hits in a fresh cache (a new process), and cache
/// files that are truncated, corrupted or hold a binary the driver rejects, which are
/// rebuilt and rewritten rather than crashing.
@Suite("OpenCL program cache")
struct OpenCLProgramCacheTests {
    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-cl-cache-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func source(_ tag: String) -> String {
        "__kernel void scale_\(tag)(__global float* x, const float a) { x[get_global_id(0)] *= a; }\n"
    }

    static func cacheFile(_ directory: URL) throws -> URL {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil).filter { $0.pathExtension == "clbin" }
        #expect(files.count == 1)
        return try #require(files.first)
    }

    @Test func memoryThenDiskThenRebuildOfCorruptedFiles() throws {
        guard let device = TestDevices.device("opencl") else { return }
        let context = OpenCLBackend.shared.contexts[device.index]
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = Self.source(UUID().uuidString.replacingOccurrences(of: "-", with: ""))

        let first = OpenCLProgramCache(directory: dir)
        #expect(try first.program(source: source, name: "scale", device: context).1 == .built)
        #expect(try first.program(source: source, name: "scale", device: context).1 == .memory)
        let file = try Self.cacheFile(dir)
        let good = try Data(contentsOf: file)
        #expect(good.count > 24)
        #expect(good.prefix(8) == Data("TSRCLB02".utf8))

        // A fresh cache (as in a new process) loads the binary from disk.
        let (fromDisk, origin) = try OpenCLProgramCache(directory: dir).program(source: source, name: "scale", device: context)
        #expect(origin == .disk)
        _ = try fromDisk.kernel(source.components(separatedBy: "(")[0].replacingOccurrences(of: "__kernel void ", with: ""), device: device.description)

        // Truncated file: rebuilt from source and rewritten.
        try good.prefix(good.count / 2).write(to: file)
        #expect(try OpenCLProgramCache(directory: dir).program(source: source, name: "scale", device: context).1 == .built)
        #expect(try Data(contentsOf: file) == good || OpenCLProgramCache(directory: dir).program(source: source, name: "scale", device: context).1 == .disk)

        // Flipped bytes in the binary: the checksum fails, rebuilt.
        var flipped = good
        for i in stride(from: 40, to: flipped.count, by: 97) { flipped[i] ^= 0x5A }
        try flipped.write(to: file)
        #expect(try OpenCLProgramCache(directory: dir).program(source: source, name: "scale", device: context).1 == .built)
        #expect(try OpenCLProgramCache(directory: dir).program(source: source, name: "scale", device: context).1 == .disk)

        // A well-formed file whose binary the driver rejects: rebuilt.
        let garbage = [UInt8]((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try ProgramDiskCache(directory: dir).write(key: file.deletingPathExtension().lastPathComponent, binary: garbage)
        #expect(try OpenCLProgramCache(directory: dir).program(source: source, name: "scale", device: context).1 == .built)
        #expect(try OpenCLProgramCache(directory: dir).program(source: source, name: "scale", device: context).1 == .disk)

        // Empty file.
        try Data().write(to: file)
        #expect(try OpenCLProgramCache(directory: dir).program(source: source, name: "scale", device: context).1 == .built)
    }

    @Test func disabledCacheWritesNothing() throws {
        guard let device = TestDevices.device("opencl") else { return }
        let context = OpenCLBackend.shared.contexts[device.index]
        let cache = OpenCLProgramCache(directory: nil)
        #expect(cache.disk == nil)
        #expect(try cache.program(source: Self.source("off"), name: "scale", device: context).1 != .disk)
    }

    @Test func keyDependsOnSourceDeviceAndDriver() {
        let k = ProgramDiskCache.key(source: "a", device: "d", driver: "1", options: "")
        #expect(k.count == 32)
        #expect(k == ProgramDiskCache.key(source: "a", device: "d", driver: "1", options: ""))
        #expect(k != ProgramDiskCache.key(source: "b", device: "d", driver: "1", options: ""))
        #expect(k != ProgramDiskCache.key(source: "a", device: "e", driver: "1", options: ""))
        #expect(k != ProgramDiskCache.key(source: "a", device: "d", driver: "2", options: ""))
    }
}
