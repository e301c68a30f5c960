import Testing
@testable import Tessera

/// A tiny convolutional classifier: conv + relu + conv (depthwise) + logSoftmax, to check
/// that jit, vmap and grad compose over the new primitives.
@Suite("Convolution: composition with jit, vmap and grad")
struct ConvNetCompositionTests {
    @Test("jit(vmap(grad(loss))) over examples equals grad per example")
    func jitVmapGrad() {
        var rng = TestRandom(seed: 51)
        let w1 = rng.tensor([4, 2, 3, 3], -0.5, 0.5), w2 = rng.tensor([3, 3, 1, 4], -0.5, 0.5)
        let images = rng.tensor([3, 1, 6, 6, 2]), labels = Tensor([0, 3, 1] as [Int32])
        @Sendable func loss(_ w: Tensor, _ image: Tensor, _ label: Tensor) -> Tensor {
            let h = NN.relu(convGeneralDilated(image, w, padding: .same, layouts: ("NHWC", "OIHW", "NHWC")))
            let d = convGeneralDilated(h, w2, windowStrides: [2, 2], padding: .valid, layouts: ("NHWC", "HWIO", "NHWC"),
                                       featureGroupCount: 4)
            let logits = d.mean(axes: [0, 1, 2])
            return -(NN.logSoftmax(logits) * NN.oneHot(label, numClasses: 4, dtype: .float64)).sum()
        }
        let perExample = jit(vmap({ (image: Tensor, label: Tensor) in grad({ (w: Tensor) in loss(w, image, label) })(w1) },
                                  inAxes: [0, 0]))(images, labels)
        for i in 0..<3 {
            let g = grad({ (w: Tensor) in loss(w, images[i], labels[i]) })(w1)
            expectClose(perExample[i].doubles, g.doubles, rtol: 1e-10, atol: 1e-12, "example \(i)")
        }
        GradientCheck.check("conv net loss", inputs: [w1]) { loss($0[0], images[0], labels[0]) }
    }
}
