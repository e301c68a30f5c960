import Testing
@testable import Tessera

/// Programmer errors stop the process with a message naming the operation and the shapes,
/// axes or dtypes involved. Each case runs in a child process (a Swift Testing exit test)
/// whose standard error is checked.
@Suite struct ErrorMessageTests {
    /// Expects the child's standard error to contain `text`.
    func expectMessage(_ result: ExitTest.Result?, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let result else {
            Issue.record("the process did not stop", sourceLocation: sourceLocation)
            return
        }
        let stderr = String(decoding: result.standardErrorContent, as: UTF8.self)
        #expect(stderr.contains(text), "stderr was: \(stderr)", sourceLocation: sourceLocation)
    }

    @Test func broadcastingIncompatibleShapes() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]) + Tensor.zeros([4])
        }
        expectMessage(r, "add: operands could not be broadcast together with shapes (2,3) (4,)")
    }

    @Test func broadcastingInComparisonAndWhere() async {
        let r1 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([3]) .< Tensor.zeros([2, 2])
        }
        expectMessage(r1, "less: operands could not be broadcast together with shapes (3,) (2,2)")
        let r2 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.where(Tensor.zeros([2], dtype: .bool), Tensor.zeros([3]), 0)
        }
        expectMessage(r2, "where: operands could not be broadcast together with shapes (2,) (3,) ()")
    }

    @Test func broadcastToIncompatibleShape() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).broadcast(to: [3, 3])
        }
        expectMessage(r, "broadcast(to:): could not broadcast a tensor of shape (2,3) to shape (3,3)")
    }

    @Test func axisOutOfRange() async {
        let r1 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).sum(axes: [2])
        }
        expectMessage(r1, "sum: axis 2 is out of bounds for a tensor of rank 2")
        let r2 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).argmax(axis: -3)
        }
        expectMessage(r2, "argmax: axis -3 is out of bounds for a tensor of rank 2")
        let r3 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = concatenate([Tensor.zeros([2]), Tensor.zeros([2])], axis: 1)
        }
        expectMessage(r3, "concatenate: axis 1 is out of bounds for a tensor of rank 1")
    }

    @Test func unsupportedDType() async {
        let r1 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2]) & Tensor.zeros([2])
        }
        expectMessage(r1, "bitwiseAnd: unsupported dtype float32")
        let r2 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = -Tensor.zeros([2], dtype: .bool)
        }
        expectMessage(r2, "negative: unsupported dtype bool")
        let r3 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2], dtype: .bool) - Tensor.zeros([2], dtype: .bool)
        }
        expectMessage(r3, "subtract: unsupported dtype bool")
        let r4 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2], dtype: .int32)[Tensor.zeros([1], dtype: .float32)]
        }
        expectMessage(r4, "index: indices must be integers, got a float32 tensor")
    }

    @Test func integerLiteralOverflow() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor([1] as [Int32]) + 5_000_000_000
        }
        expectMessage(r, "add: the integer literal 5000000000 does not fit in int32")
    }

    @Test func indexOutOfBounds() async {
        let r1 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.arange(3)[5]
        }
        expectMessage(r1, "index: index 5 is out of bounds for axis 0 with size 3")
        let r2 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 4])[1, -5]
        }
        expectMessage(r2, "index: index -5 is out of bounds for axis 1 with size 4")
        let r3 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 4]).at[3].set(1)
        }
        expectMessage(r3, "at[].set: index 3 is out of bounds for axis 0 with size 2")
        let r4 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2])[0, 0]
        }
        expectMessage(r4, "index: too many indices for tensor: tensor is 1-dimensional, but 2 were indexed")
    }

    @Test func shapeMismatches() async {
        let r1 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = matmul(Tensor.zeros([2, 3]), Tensor.zeros([4, 5]))
        }
        expectMessage(r1, "matmul: shapes (2,3) and (4,5) not aligned")
        let r2 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.arange(6).reshaped([4, -1])
        }
        expectMessage(r2, "reshaped: cannot reshape array of shape (6,) (6 elements) into shape (4,-1)")
        let r3 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = stack([Tensor.zeros([2]), Tensor.zeros([3])])
        }
        expectMessage(r3, "stack: all input tensors must have the same shape, got (2,) (3,)")
        let r4 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 0]).max(axes: [1])
        }
        expectMessage(r4, "max: zero-size array to reduction operation max which has no identity")
        let r5 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([4]).at[0..<2].set(Tensor.zeros([3]))
        }
        expectMessage(r5, "at[].set: could not broadcast a tensor of shape (3,) to shape (2,)")
        let r6 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor([[1, 2], [3]] as [[Float]])
        }
        expectMessage(r6, "Tensor: ragged nested array: row 1 has 1 elements, row 0 has 2")
    }
}
