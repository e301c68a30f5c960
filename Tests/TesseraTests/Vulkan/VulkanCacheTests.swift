import Foundation
import Testing
@testable import Tessera
@testable import VulkanBackend

/// The on-disk SPIR-V cache and the persisted VkPipelineCache, including corrupted files.
@Suite("Vulkan caches")
struct VulkanCacheTests {
    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-vulkan-cache-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let source = """
    #version 450
    layout(local_size_x_id = 0) in;
    layout(std430, set = 0, binding = 0) buffer B0 { float b0[]; };
    layout(push_constant) uniform PC { uint p[1]; } pc;
    void main() { uint i = gl_GlobalInvocationID.x; if (i < pc.p[0]) b0[i] = b0[i] * 2.0; }
    """

    @Test("SPIR-V is cached by source hash, and a corrupted file is recompiled and rewritten")
    func spirvCache() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let compiler = ShaderCompiler(cacheDirectory: dir, deviceName: "test")
        let first = try compiler.spirv(for: Self.source, name: "double")
        #expect(first.first == 0x0723_0203)
        #expect(compiler.statistics.compiles == 1)
        let second = try compiler.spirv(for: Self.source, name: "double")
        #expect(second == first)
        #expect(compiler.statistics.diskHits == 1 && compiler.statistics.compiles == 1)
        // Flip bytes in the middle of the file: the checksum no longer matches.
        let url = compiler.cacheURL(forKey: ContentHash.hex(Self.source))!
        var data = try Data(contentsOf: url)
        for i in stride(from: data.count / 2, to: data.count / 2 + 16, by: 1) { data[i] ^= 0x5a }
        try data.write(to: url)
        let third = try compiler.spirv(for: Self.source, name: "double")
        #expect(third == first)
        #expect(compiler.statistics.rebuiltCorruptFiles == 1 && compiler.statistics.compiles == 2)
        // The rewritten file is intact again; a truncated one is rebuilt too.
        #expect(try compiler.spirv(for: Self.source, name: "double") == first)
        #expect(compiler.statistics.diskHits == 2)
        try Data(data.prefix(10)).write(to: url)
        #expect(try compiler.spirv(for: Self.source, name: "double") == first)
        #expect(compiler.statistics.rebuiltCorruptFiles == 2)
    }

    @Test("TESSERA_CACHE_DIR=off disables the disk caches")
    func cacheOff() {
        #expect(VulkanCacheDirectory.resolve(environment: ["TESSERA_CACHE_DIR": "off"]) == nil)
        #expect(VulkanCacheDirectory.resolve(environment: ["TESSERA_CACHE_DIR": "/tmp/x"])?.path == "/tmp/x/vulkan")
        #expect(VulkanCacheDirectory.resolve(environment: ["HOME": "/h"])?.path.hasSuffix(".cache/tessera/vulkan") == true)
    }

    @Test("the pipeline cache is saved, reloaded, and rebuilt when corrupted")
    func pipelineCache() throws {
        guard let device = TestDevices.device("vulkan") else { return }
        let context = try VulkanBackend.shared.context(device)
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let program = ShaderProgram(name: "double", bindings: [.float32], pushWords: 1,
                                    body: "void main() { uint i = gl_GlobalInvocationID.x; if (i < pc.p[0]) b0[i] = b0[i] * 2.0; }",
                                    localSize: 64, dtypes: [.float32])
        let first = try VulkanPipelines(device: context.device, info: context.info, label: context.label, queueLock: context.lock, cacheDirectory: dir)
        _ = try first.pipeline(for: program, deviceAddress: false)
        let url = try #require(first.pipelineCacheURL)
        #expect(url.lastPathComponent.contains(context.info.pipelineCacheUUID))
        #expect(FileManager.default.fileExists(atPath: url.path))
        // A new process (here: a new cache object) loads it.
        let second = try VulkanPipelines(device: context.device, info: context.info, label: context.label, queueLock: context.lock, cacheDirectory: dir)
        #expect(second.pipelineCacheLoadedBytes > 0 && !second.pipelineCacheWasRebuilt)
        // Corrupt it: ignored (and removed), pipelines still build, and the file is written afresh.
        var data = try Data(contentsOf: url)
        data[data.count - 1] ^= 0xff
        try data.write(to: url)
        let third = try VulkanPipelines(device: context.device, info: context.info, label: context.label, queueLock: context.lock, cacheDirectory: dir)
        #expect(third.pipelineCacheWasRebuilt && third.pipelineCacheLoadedBytes == 0)
        _ = try third.pipeline(for: program, deviceAddress: false)
        let fourth = try VulkanPipelines(device: context.device, info: context.info, label: context.label, queueLock: context.lock, cacheDirectory: dir)
        #expect(!fourth.pipelineCacheWasRebuilt && fourth.pipelineCacheLoadedBytes > 0)
        // A file of another device (wrong UUID in the driver header) is rejected.
        var payload = Data(count: 64)
        payload.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: UInt32(32), toByteOffset: 0, as: UInt32.self)
            raw.storeBytes(of: UInt32(1), toByteOffset: 4, as: UInt32.self)
        }
        #expect(VulkanPipelines.decodeCacheFile(VulkanPipelines.encodeCacheFile(payload), uuid: context.info.pipelineCacheUUID) == nil)
    }
}
