import COpenCL
import Foundation
import TesseraCore

/// A built OpenCL program and its kernel objects, created once per entry name.
final class OpenCLProgram: @unchecked Sendable {
    let program: cl_program
    /// The source it was built from (for error messages).
    let source: String
    /// Where it came from: built from source, loaded from the disk cache.
    let origin: OpenCLProgramCache.Origin
    private let lock = NSLock()
    private var kernels: [String: cl_kernel] = [:]

    init(program: cl_program, source: String, origin: OpenCLProgramCache.Origin) {
        self.program = program
        self.source = source
        self.origin = origin
    }

    deinit {
        for k in kernels.values { clReleaseKernel(k) }
        clReleaseProgram(program)
    }

    /// The kernel object of entry `name`.
    func kernel(_ name: String, device: String) throws -> cl_kernel {
        lock.lock()
        defer { lock.unlock() }
        if let k = kernels[name] { return k }
        var err: cl_int = 0
        guard let k = clCreateKernel(program, name, &err) else {
            throw TesseraError(.compilation, "opencl: clCreateKernel(\(name)) failed on \(device) with \(CL.errorName(err))\n\(source)")
        }
        kernels[name] = k
        return k
    }
}
