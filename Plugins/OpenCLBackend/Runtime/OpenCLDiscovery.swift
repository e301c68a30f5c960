import COpenCL
import TesseraCore

/// Finds every device of every OpenCL platform.
enum OpenCLDiscovery {
    /// The usable devices, and why none (or some) could not be used.
    static func discover() -> ([OpenCLDeviceContext], String?) {
        var count: cl_uint = 0
        let rc = clGetPlatformIDs(0, nil, &count)
        if rc != CL_SUCCESS || count == 0 {
            return ([], rc == CL_SUCCESS || rc == -1001
                ? "no OpenCL platform: no ICD is installed (e.g. apt install pocl-opencl-icd, or a GPU vendor's driver)"
                : "clGetPlatformIDs failed with \(CL.errorName(rc))")
        }
        var platforms = [cl_platform_id?](repeating: nil, count: Int(count))
        clGetPlatformIDs(count, &platforms, nil)
        var contexts: [OpenCLDeviceContext] = []
        var problems: [String] = []
        for case let p? in platforms {
            var n: cl_uint = 0
            guard clGetDeviceIDs(p, cl_device_type(CL_DEVICE_TYPE_ALL), 0, nil, &n) == CL_SUCCESS, n > 0 else {
                problems.append("platform \(CL.platformString(p, CL_PLATFORM_NAME)) has no device")
                continue
            }
            var ids = [cl_device_id?](repeating: nil, count: Int(n))
            clGetDeviceIDs(p, cl_device_type(CL_DEVICE_TYPE_ALL), n, &ids, nil)
            for case let d? in ids {
                do {
                    contexts.append(try OpenCLDeviceContext(platform: p, device: d, index: contexts.count))
                } catch {
                    problems.append("\(error)")
                }
            }
        }
        return (contexts, problems.isEmpty ? nil : problems.joined(separator: "; "))
    }
}
