import Foundation
import TesseraCore

/// OpenCL C 1.2: `__kernel` entries with `__global` buffers, `get_global_id`, `__local`
/// arrays and `barrier`, `as_T` bit casts, hexadecimal float literals.
///
/// ```swift
/// let renderer = KernelSourceRenderer(dialect: OpenCLDialect())
/// ```
public struct OpenCLDialect: KernelSourceDialect {
    /// Creates the dialect.
    public init() {}

    /// `OpenCL C`.
    public var name: String { "OpenCL C" }

    /// Enables cl_khr_fp64 / cl_khr_fp16 when the program uses float64 / float16, and turns
    /// off contraction of `a * b + c` into fma so fused results equal eager ones.
    public func prelude(dtypes: Set<DType>) -> String {
        var lines: [String] = []
        if dtypes.contains(.float64) { lines.append("#pragma OPENCL EXTENSION cl_khr_fp64 : enable") }
        if dtypes.contains(.float16) { lines.append("#pragma OPENCL EXTENSION cl_khr_fp16 : enable") }
        lines.append("#pragma OPENCL FP_CONTRACT OFF")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `bool`, `int`, `long`, `uint`, `float` (float16 registers), `float`, `double`.
    public func registerType(_ dtype: DType) -> String {
        switch dtype {
        case .bool: return "bool"
        case .int32: return "int"
        case .int64: return "long"
        case .uint32: return "uint"
        case .float16, .float32: return "float"
        case .float64: return "double"
        }
    }

    /// As `registerType`, with `uchar` for bool and `half` for float16.
    public func storageType(_ dtype: DType) -> String {
        switch dtype {
        case .bool: return "uchar"
        case .float16: return "half"
        case .int32, .int64, .uint32, .float32, .float64: return registerType(dtype)
        }
    }

    /// `int` or `long`.
    public func indexType(_ dtype: DType) -> String { dtype == .int64 ? "long" : "int" }

    /// Exact literals: hexadecimal floats, `INFINITY`/`NAN`, integer minimums spelled without overflow.
    public func literal(_ value: ScalarLiteral, as dtype: DType) -> String {
        switch dtype {
        case .bool: return value.doubleValue != 0 ? "true" : "false"
        case .int32:
            let v = Int32(truncatingIfNeeded: value.int64Value)
            return v == Int32.min ? "(-2147483647-1)" : "(\(v))"
        case .int64:
            let v = value.int64Value
            return v == Int64.min ? "(-9223372036854775807L-1L)" : "(\(v)L)"
        case .uint32:
            return "\(UInt32(truncatingIfNeeded: value.int64Value))u"
        case .float16, .float32:
            let f = dtype == .float16 ? Float(Float16(value.doubleValue)) : Float(value.doubleValue)
            if f.isNaN { return "NAN" }
            if f.isInfinite { return f < 0 ? "(-INFINITY)" : "INFINITY" }
            return "(" + String(format: "%a", Double(f)) + "f)"
        case .float64:
            let d = value.doubleValue
            if d.isNaN { return "((double)NAN)" }
            if d.isInfinite { return d < 0 ? "(-(double)INFINITY)" : "((double)INFINITY)" }
            return "(" + String(format: "%a", d) + ")"
        }
    }

    /// `__kernel void name(__global const float* restrict in0, ..., const int n) {`.
    public func kernelHeader(name: String, buffers: [KernelBufferParameter], scalars: [(name: String, type: String)]) -> String {
        let b = buffers.map { "__global \($0.writable ? "" : "const ")\(storageType($0.dtype))* \($0.name)" }
        let s = scalars.map { "const \($0.type) \($0.name)" }
        return "__kernel void \(name)(\((b + s).joined(separator: ", "))) {"
    }

    /// `in0[i]`; bool buffers hold bytes (`!= 0`), float16 reads with `vload_half`.
    public func load(buffer: String, index: String, dtype: DType) -> String {
        switch dtype {
        case .bool: return "(\(buffer)[\(index)] != 0)"
        case .float16: return "vload_half(\(index), \(buffer))"
        case .int32, .int64, .uint32, .float32, .float64: return "\(buffer)[\(index)]"
        }
    }

    /// `out0[i] = v;`; bool stores 0/1 bytes, float16 rounds with `vstore_half_rte`.
    public func store(buffer: String, index: String, value: String, dtype: DType) -> String {
        switch dtype {
        case .bool: return "\(buffer)[\(index)] = (uchar)((\(value)) ? 1 : 0);"
        case .float16: return "vstore_half_rte(\(value), \(index), \(buffer));"
        case .int32, .int64, .uint32, .float32, .float64: return "\(buffer)[\(index)] = \(value);"
        }
    }

    /// `get_global_id(0)`.
    public var globalID: String { "get_global_id(0)" }
    /// `get_global_size(0)`.
    public var globalSize: String { "get_global_size(0)" }
    /// `get_local_id(0)`.
    public var localID: String { "get_local_id(0)" }
    /// `get_group_id(0)`.
    public var groupID: String { "get_group_id(0)" }

    /// `__local T name[count];`.
    public func localArray(type: String, name: String, count: Int) -> String {
        "__local \(type) \(name)[\(count)];"
    }

    /// `barrier(CLK_LOCAL_MEM_FENCE);`.
    public var localBarrier: String { "barrier(CLK_LOCAL_MEM_FENCE);" }
    /// `inline`.
    public var helperQualifier: String { "inline" }

    /// OpenCL's math built-ins are overloaded on float and double: the name is the function.
    public func math(_ function: String, _ dtype: DType) -> String { function }

    /// `as_float(x)`, `as_uint(x)`, ...
    public func bitcast(_ expression: String, from: DType, to: DType) -> String {
        if from == to { return expression }
        return "as_\(registerType(to))(\(expression))"
    }

    /// `((T)(x))`.
    public func cast(_ expression: String, to type: String) -> String { "((\(type))(\(expression)))" }
    /// `(isnan(x) != 0)` (the built-in returns int).
    public func isNaN(_ expression: String) -> String { "(isnan(\(expression)) != 0)" }
    /// `(isfinite(x) != 0)`.
    public func isFinite(_ expression: String) -> String { "(isfinite(\(expression)) != 0)" }
    /// `(float)(half)x` (needs cl_khr_fp16).
    public func roundToHalf(_ expression: String) -> String { "((float)((half)(\(expression))))" }
}
