/// Eager generation of large samples in chunks of the flat index range.
///
/// The samplers are counter-based: element `i` of a sample depends only on the key and `i`,
/// so a large eager sample can be made chunk by chunk with the same bits. `normal` is a
/// few hundred elementwise primitives; run eagerly on 10^8 elements at once, its float64
/// temporaries would need gigabytes, while chunks keep them in the cache-sized range.
/// Under a transformation (a tracer key, or `jit` staging) the sample is one traced
/// computation, left to the compiler to fuse.
enum EagerChunks {
    /// Elements per chunk (task-local so that tests can make chunks small).
    @TaskLocal static var chunkSize = 1 << 20

    /// `body(shape, 0)`, or for a large eager sample the concatenation of
    /// `body([n], offset)` over chunks of the flat index range, reshaped to `shape`.
    static func generate(_ key: Tensor, shape: [Int], _ body: ([Int], Int) -> Tensor) -> Tensor {
        let count = shape.reduce(1, *)
        let chunkSize = Self.chunkSize
        let eager = TraceStack.current.dynamicTrace == nil && !(key.base is Tracer)
        guard eager, count > chunkSize else { return body(shape, 0) }
        let chunks = stride(from: 0, to: count, by: chunkSize).map { start in
            body([Swift.min(chunkSize, count - start)], start)
        }
        return Lax.reshape(Lax.concatenate(chunks, axis: 0), shape)
    }
}
