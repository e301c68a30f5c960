import COpenCL
import TesseraCore

/// One argument of a kernel launch.
enum KernelArgument {
    case buffer(OpenCLBuffer)
    case int32(Int32)
    case int64(Int64)
    /// Local memory of this many bytes.
    case local(Int)

    /// An index scalar in the kernel's index type.
    static func index(_ value: Int, _ type: DType) -> KernelArgument {
        type == .int64 ? .int64(Int64(value)) : .int32(Int32(truncatingIfNeeded: value))
    }
}

extension OpenCLDeviceContext {
    /// Work-group size and global size for a grid-stride loop over `count` items: enough
    /// work groups that each item handles about one element (PoCL runs a work group as a
    /// vectorised loop over its items, so an item looping over a long stride would walk
    /// memory with a cache-hostile stride; GPUs want one element per item anyway).
    func gridStride(_ count: Int, cap: Bool = true) -> (global: Int, local: Int) {
        // A fixed group size (items past the end do nothing): PoCL compiles a work-group
        // function per local size, so varying it with the element count would recompile.
        let local = Swift.min(256, maxWorkGroupSize)
        let groups = cap ? Swift.min((count + local - 1) / local, 1 << 22) : (count + local - 1) / local
        return (Swift.max(1, groups) * local, local)
    }

    /// Sets the arguments of `kernel`, enqueues it over `global` items in groups of `local`,
    /// and records the command's event on `outputs`.
    func launch(_ kernel: cl_kernel, _ name: String, _ arguments: [KernelArgument], global: Int, local: Int?,
                outputs: [OpenCLBuffer]) throws {
        try launch(kernel, name, arguments, global: [global], local: local.map { [$0] }, outputs: outputs)
    }

    /// As `launch(_:_:_:global:local:outputs:)` over a 1-3 dimensional range.
    func launch(_ kernel: cl_kernel, _ name: String, _ arguments: [KernelArgument], global: [Int], local: [Int]?,
                outputs: [OpenCLBuffer]) throws {
        guard global.allSatisfy({ $0 > 0 }) else { return }
        enqueueLock.lock()
        defer { enqueueLock.unlock() }
        for (i, a) in arguments.enumerated() {
            let rc: cl_int
            switch a {
            case .buffer(let b):
                var mem: cl_mem? = b.mem
                rc = clSetKernelArg(kernel, cl_uint(i), MemoryLayout<cl_mem?>.size, &mem)
            case .int32(var v): rc = clSetKernelArg(kernel, cl_uint(i), 4, &v)
            case .int64(var v): rc = clSetKernelArg(kernel, cl_uint(i), 8, &v)
            case .local(let bytes): rc = clSetKernelArg(kernel, cl_uint(i), bytes, nil)
            }
            try CL.check(rc, "clSetKernelArg(\(name), \(i))", device: deviceDescription)
        }
        var g = global
        var l = local ?? global
        var event: cl_event?
        let rc = l.withUnsafeMutableBufferPointer { lp in
            clEnqueueNDRangeKernel(queue, kernel, cl_uint(global.count), nil, &g, local == nil ? nil : lp.baseAddress, 0, nil, &event)
        }
        try CL.check(rc, "clEnqueueNDRangeKernel(\(name), global \(global), local \(local.map { "\($0)" } ?? "auto"))", device: deviceDescription)
        for o in outputs { o.setEvent(event) }
        if let event { clReleaseEvent(event) }
    }

    /// Enqueues a copy of `bytes` bytes from `source` to `destination` (offsets in bytes).
    func copy(_ source: OpenCLBuffer, _ destination: OpenCLBuffer, bytes: Int, sourceOffset: Int = 0, destinationOffset: Int = 0) throws {
        guard bytes > 0 else { return }
        enqueueLock.lock()
        defer { enqueueLock.unlock() }
        var event: cl_event?
        let rc = clEnqueueCopyBuffer(queue, source.mem, destination.mem, sourceOffset, destinationOffset, bytes, 0, nil, &event)
        try CL.check(rc, "clEnqueueCopyBuffer", device: deviceDescription)
        destination.setEvent(event)
        if let event { clReleaseEvent(event) }
    }
}
