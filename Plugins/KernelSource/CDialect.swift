import Foundation
import TesseraCore

/// Host C (C11 as compiled by clang or gcc) for CPU kernels: plain pointers, `<math.h>`
/// functions with `f` suffixes for float registers, `_Float16` storage for float16,
/// `memcpy` bit casts, hexadecimal float literals.
///
/// Host C has no work items: `HostKernelRenderer` renders a function over a range of
/// points (`entry(inputs, outputs, start, end)`) and uses only the spelling parts of this
/// dialect. The work-item parts (`globalID`, local arrays, barriers) spell the point range
/// of such a function, so a GPU-style entry rendered in this dialect runs one point per call.
///
/// ```swift
/// let rendered = try HostKernelRenderer().render(kernel)   // C source + entry name
/// ```
public struct CDialect: KernelSourceDialect {
    /// Creates the dialect.
    public init() {}

    /// `C`.
    public var name: String { "C" }

    /// Includes, the unsigned type names the shared helpers use (`uchar`, `uint`, `ulong`),
    /// and the bit-cast helpers. Contraction of `a * b + c` into fma is turned off by the
    /// compiler flags (`-ffp-contract=off`) and by `#pragma STDC FP_CONTRACT OFF`.
    public func prelude(dtypes: Set<DType>) -> String {
        """
        #define _GNU_SOURCE 1
        #include <math.h>
        #include <stdbool.h>
        #include <stdint.h>
        #include <string.h>
        #pragma STDC FP_CONTRACT OFF
        typedef unsigned char uchar;
        typedef unsigned int uint;
        typedef unsigned long ulong;
        #ifndef M_PI
        #define M_PI 3.14159265358979323846
        #endif
        #define TZ_BITCAST(F, T) static inline T tz_as_##T##_##F(F x) { T r; memcpy(&r, &x, sizeof r); return r; }
        TZ_BITCAST(float, int) TZ_BITCAST(float, uint) TZ_BITCAST(int, float) TZ_BITCAST(uint, float)
        TZ_BITCAST(double, long) TZ_BITCAST(long, double)

        """
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

    /// As `registerType`, with `uchar` for bool and `_Float16` for float16.
    public func storageType(_ dtype: DType) -> String {
        switch dtype {
        case .bool: return "uchar"
        case .float16: return "_Float16"
        case .int32, .int64, .uint32, .float32, .float64: return registerType(dtype)
        }
    }

    /// `long` for both index widths: host index arithmetic is 64-bit.
    public func indexType(_ dtype: DType) -> String { "long" }

    /// Exact literals, as OpenCL C spells them (hexadecimal floats, `INFINITY`/`NAN`, integer
    /// minimums without overflow).
    public func literal(_ value: ScalarLiteral, as dtype: DType) -> String {
        OpenCLDialect().literal(value, as: dtype)
    }

    /// `void name(const float* restrict in0, ..., const long n) {`.
    public func kernelHeader(name: String, buffers: [KernelBufferParameter], scalars: [(name: String, type: String)]) -> String {
        let b = buffers.map { "\($0.writable ? "" : "const ")\(storageType($0.dtype))* restrict \($0.name)" }
        let s = scalars.map { "const \($0.type) \($0.name)" }
        return "void \(name)(\((b + s).joined(separator: ", "))) {"
    }

    /// `in0[i]`; bool buffers hold bytes (`!= 0`), float16 widens to float.
    public func load(buffer: String, index: String, dtype: DType) -> String {
        switch dtype {
        case .bool: return "(\(buffer)[\(index)] != 0)"
        case .float16: return "((float)\(buffer)[\(index)])"
        case .int32, .int64, .uint32, .float32, .float64: return "\(buffer)[\(index)]"
        }
    }

    /// `out0[i] = v;`; bool stores 0/1 bytes, float16 rounds to nearest even.
    public func store(buffer: String, index: String, value: String, dtype: DType) -> String {
        switch dtype {
        case .bool: return "\(buffer)[\(index)] = (uchar)((\(value)) ? 1 : 0);"
        case .float16: return "\(buffer)[\(index)] = (_Float16)(\(value));"
        case .int32, .int64, .uint32, .float32, .float64: return "\(buffer)[\(index)] = \(value);"
        }
    }

    /// The first point of the range a host function is called on.
    public var globalID: String { "tz_start" }
    /// The number of points of that range.
    public var globalSize: String { "(tz_end - tz_start)" }
    /// A host function is one work item: its local id is 0.
    public var localID: String { "0L" }
    /// ... and its group is the first point of its range.
    public var groupID: String { "tz_start" }

    /// `T name[count];` (a local array of the calling thread).
    public func localArray(type: String, name: String, count: Int) -> String { "\(type) \(name)[\(count)];" }

    /// A single thread needs no barrier: an empty statement.
    public var localBarrier: String { ";" }
    /// `static inline`.
    public var helperQualifier: String { "static inline" }

    /// `expf` for float registers (float32, float16), `exp` for double.
    public func math(_ function: String, _ dtype: DType) -> String {
        dtype == .float64 ? function : function + "f"
    }

    /// `tz_as_uint_float(x)` (a `memcpy`); int32 <-> uint32 is a plain conversion.
    public func bitcast(_ expression: String, from: DType, to: DType) -> String {
        if from == to { return expression }
        if from.isInteger && to.isInteger && from.byteSize == to.byteSize { return cast(expression, to: registerType(to)) }
        return "tz_as_\(registerType(to))_\(registerType(from))(\(expression))"
    }

    /// `((T)(x))`.
    public func cast(_ expression: String, to type: String) -> String { "((\(type))(\(expression)))" }
    /// `(isnan(x) != 0)`.
    public func isNaN(_ expression: String) -> String { "(isnan(\(expression)) != 0)" }
    /// `(isfinite(x) != 0)`.
    public func isFinite(_ expression: String) -> String { "(isfinite(\(expression)) != 0)" }
    /// `((float)(_Float16)(x))`.
    public func roundToHalf(_ expression: String) -> String { "((float)((_Float16)(\(expression))))" }
}
