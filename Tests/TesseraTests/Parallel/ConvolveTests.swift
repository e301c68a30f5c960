import Testing
@testable import Tessera

/// `convolve` and `correlate` against NumPy (values printed by numpy 2.4 for these inputs).
@Suite("Signal: convolve and correlate")
struct ConvolveTests {
    let a = Tensor([1, 2, 3, 4, 5] as [Double])

    @Test(arguments: [
        ([0, 1, 0.5], ConvolveMode.full, [0.0, 1.0, 2.5, 4.0, 5.5, 7.0, 2.5], [0.5, 2.0, 3.5, 5.0, 6.5, 5.0, 0.0]),
        ([0, 1, 0.5], .same, [1.0, 2.5, 4.0, 5.5, 7.0], [2.0, 3.5, 5.0, 6.5, 5.0]),
        ([0, 1, 0.5], .valid, [2.5, 4.0, 5.5], [3.5, 5.0, 6.5]),
        ([1, 2, 3, 4], .full, [1.0, 4.0, 10.0, 20.0, 30.0, 34.0, 31.0, 20.0], [4.0, 11.0, 20.0, 30.0, 40.0, 26.0, 14.0, 5.0]),
        ([1, 2, 3, 4], .same, [4.0, 10.0, 20.0, 30.0, 34.0], [11.0, 20.0, 30.0, 40.0, 26.0]),
        ([1, 2, 3, 4], .valid, [20.0, 30.0], [30.0, 40.0]),
        ([1, -1, 2, 0.5, 3, 7], .full, [1.0, 1.0, 3.0, 5.5, 11.0, 17.5, 35.0, 35.5, 43.0, 35.0],
         [7.0, 17.0, 27.5, 40.0, 51.5, 22.0, 9.5, 9.0, -1.0, 5.0]),
        ([1, -1, 2, 0.5, 3, 7], .same, [3.0, 5.5, 11.0, 17.5, 35.0, 35.5], [27.5, 40.0, 51.5, 22.0, 9.5, 9.0]),
        ([1, -1, 2, 0.5, 3, 7], .valid, [11.0, 17.5], [51.5, 22.0]),
    ] as [([Double], ConvolveMode, [Double], [Double])])
    func matchesNumPy(v: [Double], mode: ConvolveMode, conv: [Double], corr: [Double]) {
        let kernel = Tensor(v)
        expectClose(convolve(a, kernel, mode: mode).doubles, conv, rtol: 1e-12, atol: 1e-12, "convolve \(mode)")
        expectClose(correlate(a, kernel, mode: mode).doubles, corr, rtol: 1e-12, atol: 1e-12, "correlate \(mode)")
    }

    @Test func promotesAndKeepsFloat32() {
        let y = convolve(Tensor([1, 2, 3] as [Float]), Tensor([1, 1] as [Float]))
        #expect(y.dtype == .float32)
        #expect(y.asArray(Float.self) == [1, 3, 5, 3])
        let z = convolve(Tensor([1, 2, 3] as [Int32]), Tensor([2] as [Int32]))
        #expect(z.dtype == .int32)
        #expect(z.asArray(Int32.self) == [2, 4, 6])
    }
}
