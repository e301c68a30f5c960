import COpenCL
import Foundation
import TesseraCore

/// Built programs of one device: in memory by source text, and on disk (`TESSERA_CACHE_DIR`,
/// default `~/.cache/tessera/opencl`, `off` disables) as program binaries keyed by source
/// hash, device name, driver version and build options.
///
/// A cache file that is missing, truncated, corrupted or rejected by the driver is
/// rebuilt from source and rewritten; it never stops the program.
final class OpenCLProgramCache: @unchecked Sendable {
    /// Where a program came from.
    enum Origin: String, Sendable {
        case memory, disk, built
    }

    /// The disk cache, or nil when disabled.
    let disk: ProgramDiskCache?
    private let lock = NSLock()
    private let buildLock = NSLock()
    private var programs: [String: OpenCLProgram] = [:]

    init(directory: URL?) {
        disk = directory.map { ProgramDiskCache(directory: $0) }
    }

    /// `TESSERA_CACHE_DIR`, or `~/.cache/tessera/opencl`; nil for `off`.
    static func defaultDirectory() -> URL? {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["TESSERA_CACHE_DIR"], !dir.isEmpty {
            if dir.lowercased() == "off" { return nil }
            return URL(fileURLWithPath: dir).appendingPathComponent("opencl")
        }
        let base = env["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return base.appendingPathComponent("tessera/opencl")
    }

    /// The program built from `source` for `device`, from memory, disk or a fresh build.
    func program(source: String, name: String, device: OpenCLDeviceContext) throws -> (OpenCLProgram, Origin) {
        lock.lock()
        if let p = programs[source] {
            lock.unlock()
            return (p, .memory)
        }
        lock.unlock()
        // One build at a time; lookups of built programs do not wait for it.
        buildLock.lock()
        defer { buildLock.unlock() }
        if let p = stored(source) { return (p, .memory) }
        let log = TesseraLog.logger
        log.debug("opencl: source of \(name) for \(device.deviceDescription):\n\(source)")
        let key = ProgramDiskCache.key(source: source, device: device.name, driver: device.driverVersion, options: device.buildOptions)
        let clock = ContinuousClock()
        let start = clock.now
        if let disk, let binary = disk.read(key: key) {
            if let program = try? buildFromBinary(binary, device: device) {
                let p = OpenCLProgram(program: program, source: source, origin: .disk)
                store(p, source)
                log.info("opencl: program \(name) for \(device.deviceDescription) loaded from disk cache \(disk.url(forKey: key).path) in \(start.duration(to: clock.now))")
                return (p, .disk)
            }
            log.warning("opencl: disk cache file \(disk.url(forKey: key).path) was rejected by the driver; rebuilding it")
        } else if let disk, FileManager.default.fileExists(atPath: disk.url(forKey: key).path) {
            log.warning("opencl: disk cache file \(disk.url(forKey: key).path) is truncated or corrupted; rebuilding it")
        }
        let program = try buildFromSource(source, name: name, device: device)
        let p = OpenCLProgram(program: program, source: source, origin: .built)
        store(p, source)
        log.info("opencl: built program \(name) for \(device.deviceDescription) in \(start.duration(to: clock.now))")
        if let disk, let binary = Self.binary(of: program) {
            do {
                try disk.write(key: key, binary: binary)
            } catch {
                log.warning("opencl: could not write disk cache \(disk.url(forKey: key).path): \(error)")
            }
        }
        return (p, .built)
    }

    private func stored(_ source: String) -> OpenCLProgram? {
        lock.lock()
        defer { lock.unlock() }
        return programs[source]
    }

    private func store(_ p: OpenCLProgram, _ source: String) {
        lock.lock()
        programs[source] = p
        lock.unlock()
    }

    /// Number of programs held in memory.
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return programs.count
    }

    private func buildFromSource(_ source: String, name: String, device: OpenCLDeviceContext) throws -> cl_program {
        var err: cl_int = 0
        let program: cl_program? = source.withCString { ptr in
            var p: UnsafePointer<CChar>? = ptr
            var length = source.utf8.count
            return clCreateProgramWithSource(device.context, 1, &p, &length, &err)
        }
        guard let program else {
            throw TesseraError(.compilation, "opencl: clCreateProgramWithSource(\(name)) failed on \(device.deviceDescription) with \(CL.errorName(err))\n\(source)")
        }
        var d: cl_device_id? = device.deviceID
        let rc = clBuildProgram(program, 1, &d, device.buildOptions, nil, nil)
        if rc != CL_SUCCESS {
            let buildLog = CL.buildLog(program, device.deviceID)
            clReleaseProgram(program)
            throw TesseraError(.compilation, "opencl: kernel \(name) failed to build on \(device.deviceDescription) with \(CL.errorName(rc))\nbuild log:\n\(buildLog)\ngenerated source:\n\(source)")
        }
        return program
    }

    private func buildFromBinary(_ binary: [UInt8], device: OpenCLDeviceContext) throws -> cl_program {
        var err: cl_int = 0
        var status: cl_int = 0
        var d: cl_device_id? = device.deviceID
        var length = binary.count
        let program: cl_program? = binary.withUnsafeBufferPointer { buf in
            var ptr: UnsafePointer<UInt8>? = buf.baseAddress
            return clCreateProgramWithBinary(device.context, 1, &d, &length, &ptr, &status, &err)
        }
        guard let program, err == CL_SUCCESS, status == CL_SUCCESS else {
            if let program { clReleaseProgram(program) }
            throw TesseraError(.io, "invalid binary")
        }
        let rc = clBuildProgram(program, 1, &d, device.buildOptions, nil, nil)
        guard rc == CL_SUCCESS else {
            clReleaseProgram(program)
            throw TesseraError(.io, "binary did not build")
        }
        return program
    }

    /// The device binary of a built program (one device).
    static func binary(of program: cl_program) -> [UInt8]? {
        var size = 0
        guard clGetProgramInfo(program, cl_program_info(CL_PROGRAM_BINARY_SIZES), MemoryLayout<Int>.size, &size, nil) == CL_SUCCESS,
              size > 0 else { return nil }
        var binary = [UInt8](repeating: 0, count: size)
        let rc = binary.withUnsafeMutableBufferPointer { buf -> cl_int in
            var ptr: UnsafeMutablePointer<UInt8>? = buf.baseAddress
            return clGetProgramInfo(program, cl_program_info(CL_PROGRAM_BINARIES), MemoryLayout<UnsafeMutablePointer<UInt8>?>.size, &ptr, nil)
        }
        return rc == CL_SUCCESS ? binary : nil
    }
}
