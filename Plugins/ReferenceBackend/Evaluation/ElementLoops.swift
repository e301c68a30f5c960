/// Typed loops over raw buffers: the inner loops of every elementwise primitive.
/// One closure call per element, no per-element dispatch on dtype or op.

/// `out[i] = f(x[i])`.
@inline(__always)
func map1<T, U>(_ x: UnsafeRawBufferPointer, _ out: UnsafeMutableRawBufferPointer,
                _: T.Type, _: U.Type, _ f: (T) -> U) {
    let n = out.count / MemoryLayout<U>.stride
    guard n > 0 else { return }
    let a = x.baseAddress!.assumingMemoryBound(to: T.self)
    let o = out.baseAddress!.assumingMemoryBound(to: U.self)
    var i = 0
    while i < n {
        o[i] = f(a[i])
        i += 1
    }
}

/// `out[i] = f(x[i], y[i])`.
@inline(__always)
func map2<T, U>(_ x: UnsafeRawBufferPointer, _ y: UnsafeRawBufferPointer, _ out: UnsafeMutableRawBufferPointer,
                _: T.Type, _: U.Type, _ f: (T, T) -> U) {
    let n = out.count / MemoryLayout<U>.stride
    guard n > 0 else { return }
    let a = x.baseAddress!.assumingMemoryBound(to: T.self)
    let b = y.baseAddress!.assumingMemoryBound(to: T.self)
    let o = out.baseAddress!.assumingMemoryBound(to: U.self)
    var i = 0
    while i < n {
        o[i] = f(a[i], b[i])
        i += 1
    }
}
