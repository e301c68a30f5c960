#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// native-check: proves that every native library Tessera uses links and works from Swift 6.
// Each check prints what it measured; the process exits non-zero if any check fails.

var failures: [String] = []
@MainActor func run(_ name: String, _ body: () throws -> Void) {
    do { try body(); print("[\(name)] OK") } catch {
        print("[\(name)] FAILED: \(error)")
        failures.append(name)
    }
}

var spirv: [UInt32] = []
run("openblas") { try checkOpenBLAS() }
run("opencl") { try checkOpenCL() }
run("shaderc") { spirv = try checkShaderc() }
run("vulkan") { try checkVulkan(spirv: spirv) }

if failures.isEmpty {
    print("native-check: all \(4) libraries OK")
} else {
    print("native-check: FAILED: \(failures.joined(separator: ", "))")
    exit(1)
}
