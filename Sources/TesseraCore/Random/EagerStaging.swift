/// Eager generation of large samples.
///
/// The samplers are counter-based: element `i` of a sample depends only on the key and `i`.
/// `normal` is a few hundred elementwise primitives; run one by one on 10^8 elements, its
/// temporaries would need gigabytes and each op a pass over memory. So an eager sample
/// larger than `stagingThreshold` elements is staged and compiled as one program on the
/// key's device (as JAX jits its samplers): the elementwise chain fuses into a kernel.
/// Under a transformation (a tracer key, or `jit` staging) the sample is simply traced.
enum EagerStaging {
    /// Samples with more elements than this are compiled rather than run op by op.
    @TaskLocal static var stagingThreshold = 1 << 14

    /// `body(shape, 0)`, compiled and run on the key's device for a large eager sample.
    static func generate(_ key: Tensor, shape: [Int], _ body: ([Int], Int) -> Tensor) -> Tensor {
        let count = shape.reduce(1, *)
        let eager = TraceStack.current.traces.isEmpty && !(key.base is Tracer)
        guard eager, count > stagingThreshold, key.base is DeviceArray else { return body(shape, 0) }
        let device = key.device
        let closed = traceToJaxpr(name: "Random", inTypes: []) { _ in [body(shape, 0)] }
        let exe = Executable.compile(closed, name: "random\(shapeString(shape))", device: device)
        return exe.run([])[0]
    }
}
