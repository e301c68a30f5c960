import TesseraCore

/// Comparisons, `select_n`, `convert_element_type`, `bitcast_convert_type` and `iota`.
enum CompareSelectConvert {
    // MARK: compare

    /// `op(x, y)` as bool bytes; any comparison with NaN is false except `ne`.
    static func compare(_ op: CompareOp, _ x: UnsafeRawBufferPointer, _ y: UnsafeRawBufferPointer, _ dtype: DType,
                        _ out: UnsafeMutableRawBufferPointer) {
        switch dtype {
        case .bool: compareTyped(op, x, y, out, UInt8.self)
        case .int32: compareTyped(op, x, y, out, Int32.self)
        case .int64: compareTyped(op, x, y, out, Int64.self)
        case .uint32: compareTyped(op, x, y, out, UInt32.self)
        case .float16: compareTyped(op, x, y, out, Float16.self)
        case .float32: compareTyped(op, x, y, out, Float.self)
        case .float64: compareTyped(op, x, y, out, Double.self)
        }
    }

    static func compareTyped<T: Comparable>(_ op: CompareOp, _ x: UnsafeRawBufferPointer, _ y: UnsafeRawBufferPointer,
                                            _ out: UnsafeMutableRawBufferPointer, _: T.Type) {
        switch op {
        case .eq: map2(x, y, out, T.self, UInt8.self) { $0 == $1 ? 1 : 0 }
        case .ne: map2(x, y, out, T.self, UInt8.self) { $0 != $1 ? 1 : 0 }
        case .lt: map2(x, y, out, T.self, UInt8.self) { $0 < $1 ? 1 : 0 }
        case .le: map2(x, y, out, T.self, UInt8.self) { $0 <= $1 ? 1 : 0 }
        case .gt: map2(x, y, out, T.self, UInt8.self) { $0 > $1 ? 1 : 0 }
        case .ge: map2(x, y, out, T.self, UInt8.self) { $0 >= $1 ? 1 : 0 }
        }
    }

    // MARK: select

    /// `select_n(which, onFalse, onTrue)`; `which` is a bool scalar or has the operands' shape.
    static func select(_ which: UnsafeRawBufferPointer, _ onFalse: UnsafeRawBufferPointer, _ onTrue: UnsafeRawBufferPointer,
                       elementSize: Int, _ out: UnsafeMutableRawBufferPointer) {
        switch elementSize {
        case 1: selectTyped(which, onFalse, onTrue, out, UInt8.self)
        case 2: selectTyped(which, onFalse, onTrue, out, UInt16.self)
        case 4: selectTyped(which, onFalse, onTrue, out, UInt32.self)
        default: selectTyped(which, onFalse, onTrue, out, UInt64.self)
        }
    }

    static func selectTyped<T>(_ which: UnsafeRawBufferPointer, _ onFalse: UnsafeRawBufferPointer,
                               _ onTrue: UnsafeRawBufferPointer, _ out: UnsafeMutableRawBufferPointer, _: T.Type) {
        let n = out.count / MemoryLayout<T>.stride
        guard n > 0 else { return }
        let w = which.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let f = onFalse.baseAddress!.assumingMemoryBound(to: T.self)
        let t = onTrue.baseAddress!.assumingMemoryBound(to: T.self)
        let o = out.baseAddress!.assumingMemoryBound(to: T.self)
        if which.count == 1 && n != 1 {
            let source = w[0] != 0 ? t : f
            o.update(from: source, count: n)
            return
        }
        var i = 0
        while i < n {
            o[i] = w[i] != 0 ? t[i] : f[i]
            i += 1
        }
    }

    // MARK: convert

    /// `convert_element_type` (see `HostElement` for the rules).
    static func convert(_ x: UnsafeRawBufferPointer, from source: DType, to destination: DType,
                        _ out: UnsafeMutableRawBufferPointer) throws {
        try source.visit(ConvertFrom(x: x, destination: destination, out: out))
    }

    struct ConvertFrom: ElementVisitor {
        let x: UnsafeRawBufferPointer
        let destination: DType
        let out: UnsafeMutableRawBufferPointer
        func visit<S: HostElement>(_: S.Type) throws {
            try destination.visit(ConvertTo<S>(x: x, out: out))
        }
    }

    struct ConvertTo<S: HostElement>: ElementVisitor {
        let x: UnsafeRawBufferPointer
        let out: UnsafeMutableRawBufferPointer
        func visit<D: HostElement>(_: D.Type) throws {
            switch S.kind {
            case .float: map1(x, out, S.self, D.self) { D.from(float: $0.doubleValue) }
            case .signed, .bool: map1(x, out, S.self, D.self) { D.from(signed: $0.int64Value) }
            case .unsigned: map1(x, out, S.self, D.self) { D.from(unsigned: $0.uint64Value) }
            }
        }
    }

    // MARK: iota

    /// `0, 1, 2, ...` along `dimension` of `shape`, in `dtype`.
    static func iota(dtype: DType, shape: [Int], dimension: Int, _ out: UnsafeMutableRawBufferPointer) throws {
        try dtype.visit(Iota(shape: shape, dimension: dimension, out: out))
    }

    struct Iota: ElementVisitor {
        let shape: [Int]
        let dimension: Int
        let out: UnsafeMutableRawBufferPointer
        func visit<T: HostElement>(_: T.Type) throws {
            let n = shape.reduce(1, *)
            guard n > 0 else { return }
            let o = out.baseAddress!.assumingMemoryBound(to: T.self)
            let inner = shape[(dimension + 1)...].reduce(1, *)
            let size = shape[dimension]
            var i = 0
            while i < n {
                o[i] = T.from(signed: Int64((i / inner) % size))
                i += 1
            }
        }
    }
}
