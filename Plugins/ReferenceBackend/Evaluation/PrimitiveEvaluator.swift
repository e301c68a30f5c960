import TesseraCore

/// Runs one primitive on host buffers: the reference semantics of the primitive set.
///
/// `validate` runs at once on the caller's thread (an unsupported request throws before
/// anything is enqueued); `run` runs on the device queue. One exhaustive switch over
/// `Primitive`, without `default:`.
enum PrimitiveEvaluator {
    /// Throws at once for a request the reference backend cannot serve.
    static func validate(_ primitive: Primitive, inputTypes: [ShapedType], outputTypes: [ShapedType]) throws {
        throw TesseraError(.unsupported, "reference: \(printedName(primitive)) is not implemented yet")
    }

    /// The index of the input whose buffer is the output unchanged (reshape, stop_gradient), if any.
    static func aliasedInput(_ primitive: Primitive) -> Int? { nil }

    /// Evaluates `primitive`, writing every output buffer.
    static func run(_ primitive: Primitive, inputs: [ReferenceBuffer], inputTypes: [ShapedType],
                    outputs: [ReferenceBuffer], outputTypes: [ShapedType]) throws {
        throw TesseraError(.unsupported, "reference: \(printedName(primitive)) is not implemented yet")
    }
}
