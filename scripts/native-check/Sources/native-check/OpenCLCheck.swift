import COpenCL

private func clCheck(_ err: cl_int, _ what: String) throws {
    if err != CL_SUCCESS { throw CheckError("\(what) failed with OpenCL error \(err)") }
}

private func platformString(_ p: cl_platform_id, _ param: Int32) -> String {
    var size = 0
    clGetPlatformInfo(p, cl_platform_info(param), 0, nil, &size)
    var buf = [CChar](repeating: 0, count: size + 1)
    clGetPlatformInfo(p, cl_platform_info(param), size, &buf, nil)
    return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

private func deviceString(_ d: cl_device_id, _ param: Int32) -> String {
    var size = 0
    clGetDeviceInfo(d, cl_device_info(param), 0, nil, &size)
    var buf = [CChar](repeating: 0, count: size + 1)
    clGetDeviceInfo(d, cl_device_info(param), size, &buf, nil)
    return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

private func deviceValue<T: FixedWidthInteger>(_ d: cl_device_id, _ param: Int32, _: T.Type) -> T {
    var v: T = 0
    _ = withUnsafeMutableBytes(of: &v) { clGetDeviceInfo(d, cl_device_info(param), $0.count, $0.baseAddress, nil) }
    return v
}

func checkOpenCL() throws {
    var numPlatforms: cl_uint = 0
    try clCheck(clGetPlatformIDs(0, nil, &numPlatforms), "clGetPlatformIDs")
    guard numPlatforms > 0 else { throw CheckError("no OpenCL platform (is pocl-opencl-icd installed?)") }
    var platforms = [cl_platform_id?](repeating: nil, count: Int(numPlatforms))
    try clCheck(clGetPlatformIDs(numPlatforms, &platforms, nil), "clGetPlatformIDs")

    var chosen: cl_device_id?
    for case let p? in platforms {
        report("opencl", "platform: \(platformString(p, CL_PLATFORM_NAME)) | \(platformString(p, CL_PLATFORM_VERSION))")
        var n: cl_uint = 0
        guard clGetDeviceIDs(p, cl_device_type(CL_DEVICE_TYPE_ALL), 0, nil, &n) == CL_SUCCESS, n > 0 else { continue }
        var devices = [cl_device_id?](repeating: nil, count: Int(n))
        try clCheck(clGetDeviceIDs(p, cl_device_type(CL_DEVICE_TYPE_ALL), n, &devices, nil), "clGetDeviceIDs")
        for case let d? in devices {
            let fp64 = deviceValue(d, CL_DEVICE_DOUBLE_FP_CONFIG, cl_device_fp_config.self) != 0
            let ext = deviceString(d, CL_DEVICE_EXTENSIONS)
            report("opencl", "device: \(deviceString(d, CL_DEVICE_NAME)) | \(deviceString(d, CL_DEVICE_VERSION)) | driver \(deviceString(d, CL_DRIVER_VERSION))")
            report("opencl", "  type=\(deviceValue(d, CL_DEVICE_TYPE, cl_device_type.self)) computeUnits=\(deviceValue(d, CL_DEVICE_MAX_COMPUTE_UNITS, cl_uint.self)) maxWorkGroup=\(deviceValue(d, CL_DEVICE_MAX_WORK_GROUP_SIZE, Int.self))")
            report("opencl", "  fp64=\(fp64) (cl_khr_fp64 \(ext.contains("cl_khr_fp64"))) fp16=\(ext.contains("cl_khr_fp16")) int64-atomics=\(ext.contains("cl_khr_int64_base_atomics"))")
            report("opencl", "  maxMemAlloc=\(deviceValue(d, CL_DEVICE_MAX_MEM_ALLOC_SIZE, cl_ulong.self) >> 20) MiB globalMem=\(deviceValue(d, CL_DEVICE_GLOBAL_MEM_SIZE, cl_ulong.self) >> 20) MiB localMem=\(deviceValue(d, CL_DEVICE_LOCAL_MEM_SIZE, cl_ulong.self) >> 10) KiB")
            if chosen == nil { chosen = d }
        }
    }
    guard chosen != nil else { throw CheckError("no OpenCL device") }
    var device: cl_device_id? = chosen

    var err: cl_int = 0
    guard let context = clCreateContext(nil, 1, &device, nil, nil, &err) else { throw CheckError("clCreateContext: \(err)") }
    defer { clReleaseContext(context) }
    guard let queue = clCreateCommandQueueWithProperties(context, device, nil, &err) else { throw CheckError("clCreateCommandQueueWithProperties: \(err)") }
    defer { clReleaseCommandQueue(queue) }

    let source = """
    __kernel void axpb(__global const float* a, __global const float* b, __global float* c, const uint n) {
        size_t i = get_global_id(0);
        if (i < n) c[i] = a[i] * b[i] + 1.0f;
    }
    """
    let program: cl_program = try source.withCString { ptr in
        var p: UnsafePointer<CChar>? = ptr
        var len = strlenSwift(source)
        guard let prog = clCreateProgramWithSource(context, 1, &p, &len, &err) else { throw CheckError("clCreateProgramWithSource: \(err)") }
        return prog
    }
    defer { clReleaseProgram(program) }
    let buildTime = try ContinuousClock().measure {
        let rc = clBuildProgram(program, 1, &device, "-cl-std=CL3.0", nil, nil)
        if rc != CL_SUCCESS {
            var size = 0
            clGetProgramBuildInfo(program, device, cl_program_build_info(CL_PROGRAM_BUILD_LOG), 0, nil, &size)
            var log = [CChar](repeating: 0, count: size + 1)
            clGetProgramBuildInfo(program, device, cl_program_build_info(CL_PROGRAM_BUILD_LOG), size, &log, nil)
            throw CheckError("clBuildProgram \(rc): \(String(decoding: log.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))")
        }
    }
    report("opencl", "clBuildProgram took \(ms(buildTime)) (PoCL caches compiled kernels; second runs are faster)")
    guard let kernel = clCreateKernel(program, "axpb", &err) else { throw CheckError("clCreateKernel: \(err)") }
    defer { clReleaseKernel(kernel) }

    let n = 1000
    var a = (0..<n).map { Float($0) }
    var b = [Float](repeating: 2, count: n)
    var c = [Float](repeating: 0, count: n)
    let bytes = n * MemoryLayout<Float>.stride
    let ro = cl_mem_flags(CL_MEM_READ_ONLY) | cl_mem_flags(CL_MEM_COPY_HOST_PTR)
    guard let da = clCreateBuffer(context, ro, bytes, &a, &err),
          let db = clCreateBuffer(context, ro, bytes, &b, &err),
          let dc = clCreateBuffer(context, cl_mem_flags(CL_MEM_WRITE_ONLY), bytes, nil, &err)
    else { throw CheckError("clCreateBuffer: \(err)") }
    defer { clReleaseMemObject(da); clReleaseMemObject(db); clReleaseMemObject(dc) }
    var args: [cl_mem?] = [da, db, dc]
    for i in 0..<3 { try clCheck(clSetKernelArg(kernel, cl_uint(i), MemoryLayout<cl_mem?>.size, &args[i]), "clSetKernelArg \(i)") }
    var nArg = cl_uint(n)
    try clCheck(clSetKernelArg(kernel, 3, MemoryLayout<cl_uint>.size, &nArg), "clSetKernelArg 3")
    var global = (n + 63) / 64 * 64
    var local = 64
    try clCheck(clEnqueueNDRangeKernel(queue, kernel, 1, nil, &global, &local, 0, nil, nil), "clEnqueueNDRangeKernel")
    try clCheck(clEnqueueReadBuffer(queue, dc, cl_bool(CL_TRUE), 0, bytes, &c, 0, nil, nil), "clEnqueueReadBuffer")
    try clCheck(clFinish(queue), "clFinish")
    for i in 0..<n where c[i] != Float(i) * 2 + 1 {
        throw CheckError("kernel result c[\(i)] = \(c[i]), expected \(Float(i) * 2 + 1)")
    }
    report("opencl", "kernel axpb over \(n) floats: c[0...3] = \(c[0..<4].map { $0 }), c[\(n - 1)] = \(c[n - 1])")
}

private func strlenSwift(_ s: String) -> Int { s.utf8.count }
