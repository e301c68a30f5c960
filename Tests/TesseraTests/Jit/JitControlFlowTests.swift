import Testing
@testable import Tessera

/// cond / whileLoop / forLoop / scan against loops computed in Swift, eagerly and under jit.
@Suite("Jit: structured control flow")
struct JitControlFlowTests {
    static let xs: [Float] = [1.5, -2, 0.25, 4, -0.5]

    @Test func condEagerAndJit() {
        let x = Tensor(JitControlFlowTests.xs)
        @Sendable func f(_ x: Tensor) -> Tensor { cond(x.sum() .> 0, { $0 * 2 }, { $0 - 1 }, x) }
        let sum = JitControlFlowTests.xs.reduce(0, +)
        let expected = JitControlFlowTests.xs.map { sum > 0 ? $0 * 2 : $0 - 1 }
        #expect(f(x).asArray(Float.self) == expected)
        #expect(jit(f)(x).asArray(Float.self) == expected)
        let negative = Tensor(JitControlFlowTests.xs.map { -$0 })
        #expect(jit(f)(negative).asArray(Float.self) == JitControlFlowTests.xs.map { -$0 - 1 })
        #expect(f(negative).asArray(Float.self) == JitControlFlowTests.xs.map { -$0 - 1 })
    }

    @Test func condCapturesOuterTracersAndConstants() {
        let c = Tensor([10, 20, 30, 40, 50] as [Float])
        @Sendable func f(_ x: Tensor, _ y: Tensor) -> Tensor { cond(y .> 0, { $0 * y + c }, { $0 - c }, x) }
        let x = Tensor(JitControlFlowTests.xs)
        let expectedTrue = zip(JitControlFlowTests.xs, [10, 20, 30, 40, 50] as [Float]).map { $0 * 3 + $1 }
        #expect(jit(f)(x, Tensor(Float(3))).asArray(Float.self) == expectedTrue)
        #expect(f(x, Tensor(Float(3))).asArray(Float.self) == expectedTrue)
        let expectedFalse = zip(JitControlFlowTests.xs, [10, 20, 30, 40, 50] as [Float]).map { $0 - $1 }
        #expect(jit(f)(x, Tensor(Float(-1))).asArray(Float.self) == expectedFalse)
    }

    @Test func condPrintsBranches() {
        let text = makeJaxpr { (x: Tensor) in cond(x .> 0, { $0 * 2 }, { $0 }, x) }(Tensor(Float(1))).description
        #expect(text == """
            { lambda ; a:f32[]. let
                b:bool[] = gt a 0.0
                c:i32[] = convert_element_type[new_dtype=int32 weak_type=False] b
                d:f32[] = cond[
                  branches=(
                    { lambda ; e:f32[]. let  in (e,) }
                    { lambda ; f:f32[]. let g:f32[] = mul f 2.0 in (g,) }
                  )
                ] c a
              in (d,) }
            """)
    }

    @Test func switchCaseClampsTheIndex() {
        let x = Tensor([1, 2, 3] as [Int32])
        let branches: [(Tensor) -> Tensor] = [{ $0 + 1 }, { $0 * 2 }, { $0 * $0 }]
        #expect(switchCase(Tensor(Int32(1)), branches, x).asArray(Int32.self) == [2, 4, 6])
        #expect(switchCase(Tensor(Int32(7)), branches, x).asArray(Int32.self) == [1, 4, 9])
        #expect(switchCase(Tensor(Int32(-3)), branches, x).asArray(Int32.self) == [2, 3, 4])
    }

    @Test func whileLoopCollatz() {
        // Steps of the Collatz sequence from n until 1, computed in Swift and by whileLoop.
        func swiftSteps(_ n: Int32) -> Int32 {
            var n = n, steps: Int32 = 0
            while n != 1 { n = n % 2 == 0 ? n / 2 : 3 * n + 1; steps += 1 }
            return steps
        }
        @Sendable func f(_ n: Tensor) -> Tensor {
            let final = whileLoop(cond: { (s: [Tensor]) in s[0] .!= 1 }, body: { s in
                let even = s[0] % 2 .== 0
                return [`where`(even, s[0] / 2, 3 * s[0] + 1), s[1] + 1]
            }, initial: [n, Tensor(Int32(0))])
            return final[1]
        }
        let fast = jit(f)
        for n: Int32 in [1, 6, 7, 27] {
            #expect(f(Tensor(n)).item(Int32.self) == swiftSteps(n))
            #expect(fast(Tensor(n)).item(Int32.self) == swiftSteps(n))
        }
        #expect(fast.traceCount == 1)
    }

    @Test func whileLoopPrints() {
        let text = makeJaxpr { (x: Tensor) in whileLoop(cond: { $0 .< 10 }, body: { $0 + 1 }, initial: x) }(Tensor(Float(1))).description
        #expect(text == """
            { lambda ; a:f32[]. let
                b:f32[] = while[
                  body_jaxpr={ lambda ; c:f32[]. let d:f32[] = add c 1.0 in (d,) }
                  body_nconsts=0
                  cond_jaxpr={ lambda ; e:f32[]. let f:bool[] = lt e 10.0 in (f,) }
                  cond_nconsts=0
                ] a
              in (b,) }
            """)
    }

    @Test func forLoopFactorialAndPolynomial() {
        @Sendable func fact(_ x: Tensor) -> Tensor { forLoop(1, 6, body: { i, c in c * i }, initial: x) }
        #expect(fact(Tensor(Int32(1))).item(Int32.self) == 120)
        #expect(jit(fact)(Tensor(Int32(1))).item(Int32.self) == 120)
        // Horner evaluation with captured coefficients, against Swift.
        let coefficients: [Float] = [2, -1, 0.5, 3]
        let c = Tensor(coefficients)
        @Sendable func horner(_ x: Tensor) -> Tensor {
            forLoop(0, 4, body: { i, acc in acc * x + Lax.dynamicSlice(c, starts: [i], sizes: [1]).reshaped([]) },
                    initial: Tensor(Float(0)))
        }
        let x: Float = 1.5
        let expected = coefficients.reduce(Float(0)) { $0 * x + $1 }
        #expect(horner(Tensor(x)).item(Float.self) == expected)
        #expect(jit(horner)(Tensor(x)).item(Float.self) == expected)
        // An empty range returns the initial carry.
        #expect(forLoop(3, 3, body: { _, c in c * 0 }, initial: Tensor(Float(7))).item(Float.self) == 7)
        let jaxpr = makeJaxpr(fact)(Tensor(Int32(1)))
        #expect(jaxpr.equations.count == 1)
        #expect(printedName(jaxpr.equations[0].primitive) == "scan")
    }

    @Test func scanCumulativeSumAndProducts() {
        let xs = Tensor(JitControlFlowTests.xs)
        @Sendable func f(_ xs: Tensor) -> [Tensor] {
            let (carry, ys) = scan({ (c: Tensor, x: Tensor) in (c + x, c * x) }, initial: Tensor(Float(0)), xs: xs)
            return [carry, ys]
        }
        var c: Float = 0
        var ys: [Float] = []
        for x in JitControlFlowTests.xs { ys.append(c * x); c += x }
        for out in [f(xs), jit(f)(xs)] {
            #expect(out[0].item(Float.self) == c)
            #expect(out[1].asArray(Float.self) == ys)
        }
        // Reverse scan over rows of a matrix with a tree carry.
        let m = Tensor((0..<12).map { Float($0) }, shape: [4, 3])
        @Sendable func g(_ m: Tensor) -> [Tensor] {
            let (carry, rows) = scan({ (c: [Tensor], row: Tensor) in
                ([c[0] + row, c[1] + row.sum()], c[0] * 2)
            }, initial: [Tensor.zeros([3]), Tensor(Float(0))], xs: m, reverse: true)
            return carry + [rows]
        }
        var acc: [Float] = [0, 0, 0], total: Float = 0
        var stacked = [[Float]](repeating: [], count: 4)
        for r in stride(from: 3, through: 0, by: -1) {
            let row = (0..<3).map { Float(r * 3 + $0) }
            stacked[r] = acc.map { $0 * 2 }
            acc = zip(acc, row).map { $0 + $1 }
            total += row.reduce(0, +)
        }
        for out in [g(m), jit(g)(m)] {
            #expect(out[0].asArray(Float.self) == acc)
            #expect(out[1].item(Float.self) == total)
            #expect(out[2].asArray(Float.self) == stacked.flatMap { $0 })
        }
    }

    @Test func scanMatchesNumPyCumprod() {
        // numpy.cumprod([1.5, -2, 0.25, 4, -0.5]) = [1.5, -3, -0.75, -3, 1.5]
        let (last, ys) = scan({ (c: Tensor, x: Tensor) in (c * x, c * x) }, initial: Tensor(Float(1)), xs: Tensor(JitControlFlowTests.xs))
        #expect(ys.asArray(Float.self) == [1.5, -3, -0.75, -3, 1.5])
        #expect(last.item(Float.self) == 1.5)
    }
}
