import COpenCL
import TesseraCore

/// Small wrappers over the OpenCL C API: error checks and info queries.
enum CL {
    /// Throws a `TesseraError` naming the call, the OpenCL error and the device.
    static func check(_ code: cl_int, _ what: String, device: String, kind: TesseraError.Kind = .execution) throws {
        if code != CL_SUCCESS {
            throw TesseraError(code == CL_MEM_OBJECT_ALLOCATION_FAILURE || code == CL_OUT_OF_RESOURCES || code == CL_OUT_OF_HOST_MEMORY ? .outOfMemory : kind,
                               "opencl: \(what) failed on \(device) with \(errorName(code))")
        }
    }

    /// The symbolic name of an OpenCL error code.
    static func errorName(_ code: cl_int) -> String {
        let names: [cl_int: String] = [
            -1: "CL_DEVICE_NOT_FOUND", -2: "CL_DEVICE_NOT_AVAILABLE", -3: "CL_COMPILER_NOT_AVAILABLE",
            -4: "CL_MEM_OBJECT_ALLOCATION_FAILURE", -5: "CL_OUT_OF_RESOURCES", -6: "CL_OUT_OF_HOST_MEMORY",
            -11: "CL_BUILD_PROGRAM_FAILURE", -30: "CL_INVALID_VALUE", -33: "CL_INVALID_DEVICE",
            -36: "CL_INVALID_COMMAND_QUEUE", -38: "CL_INVALID_MEM_OBJECT", -42: "CL_INVALID_BINARY",
            -44: "CL_INVALID_PROGRAM", -45: "CL_INVALID_PROGRAM_EXECUTABLE", -46: "CL_INVALID_KERNEL_NAME",
            -48: "CL_INVALID_KERNEL", -49: "CL_INVALID_ARG_INDEX", -50: "CL_INVALID_ARG_VALUE",
            -51: "CL_INVALID_ARG_SIZE", -52: "CL_INVALID_KERNEL_ARGS", -54: "CL_INVALID_WORK_GROUP_SIZE",
            -55: "CL_INVALID_WORK_ITEM_SIZE", -61: "CL_INVALID_BUFFER_SIZE", -63: "CL_INVALID_GLOBAL_WORK_SIZE",
            -1001: "CL_PLATFORM_NOT_FOUND_KHR",
        ]
        return "\(names[code] ?? "OpenCL error") (\(code))"
    }

    static func platformString(_ p: cl_platform_id, _ param: Int32) -> String {
        var size = 0
        guard clGetPlatformInfo(p, cl_platform_info(param), 0, nil, &size) == CL_SUCCESS, size > 0 else { return "" }
        var buf = [CChar](repeating: 0, count: size + 1)
        clGetPlatformInfo(p, cl_platform_info(param), size, &buf, nil)
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func deviceString(_ d: cl_device_id, _ param: Int32) -> String {
        var size = 0
        guard clGetDeviceInfo(d, cl_device_info(param), 0, nil, &size) == CL_SUCCESS, size > 0 else { return "" }
        var buf = [CChar](repeating: 0, count: size + 1)
        clGetDeviceInfo(d, cl_device_info(param), size, &buf, nil)
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func deviceValue<T: FixedWidthInteger>(_ d: cl_device_id, _ param: Int32, _: T.Type) -> T {
        var v: T = 0
        _ = withUnsafeMutableBytes(of: &v) { clGetDeviceInfo(d, cl_device_info(param), $0.count, $0.baseAddress, nil) }
        return v
    }

    /// The build log of `program` on `device`.
    static func buildLog(_ program: cl_program, _ device: cl_device_id) -> String {
        var size = 0
        clGetProgramBuildInfo(program, device, cl_program_build_info(CL_PROGRAM_BUILD_LOG), 0, nil, &size)
        guard size > 0 else { return "" }
        var log = [CChar](repeating: 0, count: size + 1)
        clGetProgramBuildInfo(program, device, cl_program_build_info(CL_PROGRAM_BUILD_LOG), size, &log, nil)
        return String(decoding: log.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
