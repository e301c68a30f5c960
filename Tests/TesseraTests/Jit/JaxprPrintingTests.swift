import Testing
@testable import Tessera

@Suite("Jit: jaxpr printing")
struct JaxprPrintingTests {
    @Sendable static func seed(_ x: Tensor) -> Tensor { -4 * x * x * x + 9 * x * x + 6 * x - 3 }

    @Test func seedPolynomialPrintsExactly() {
        let text = makeJaxpr(JaxprPrintingTests.seed)(Tensor(3)).description
        let expected = """
            { lambda ; a:i32[]. let
                b:i32[] = mul a -4
                c:i32[] = mul b a
                d:i32[] = mul c a
                e:i32[] = mul a 9
                f:i32[] = mul e a
                g:i32[] = add d f
                h:i32[] = mul a 6
                i:i32[] = add g h
                j:i32[] = sub i 3
              in (j,) }
            """
        #expect(text == expected)
    }

    @Test func floatInputsAndShapes() {
        let x = Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3])
        #expect(makeJaxpr { (x: Tensor) in Lax.reduce(.sum, x, axes: [1]) }(x).description
                == "{ lambda ; a:f32[2,3]. let b:f32[2] = reduce_sum[axes=(1,)] a in (b,) }")
        #expect(makeJaxpr { (x: Tensor) in Lax.unary(.cos, Lax.unary(.sin, x)) }(Tensor(Float(1))).description
                == "{ lambda ; a:f32[]. let b:f32[] = sin a; c:f32[] = cos b in (c,) }")
    }

    @Test func identityAndLiteralOutputs() {
        #expect(makeJaxpr { (x: Tensor) in x }(Tensor(Float(1))).description == "{ lambda ; a:f32[]. let  in (a,) }")
        #expect(makeJaxpr { (x: Tensor) in [x, Tensor(floatLiteral: 2.0)] }(Tensor(Float(1))).description
                == "{ lambda ; a:f32[]. let  in (a, 2.0) }")
    }

    @Test func capturedTensorsAreConstants() {
        let c = Tensor([0, 1, 2] as [Float])
        let text = makeJaxpr { (x: Tensor) in Lax.binary(.mul, x, c) }(Tensor([1, 1, 1] as [Float])).description
        #expect(text == "{ lambda a:f32[3]; b:f32[3]. let c:f32[3] = mul b a in (c,) }")
    }

    @Test func brokenParameters() {
        let x = Tensor([1, 2, 3] as [Float])
        let text = makeJaxpr { (x: Tensor) in Lax.dotGeneral(x, x, DotDimensionNumbers(lhsContracting: [0], rhsContracting: [0]), preferred: .float32) }(x).description
        #expect(text == """
            { lambda ; a:f32[3]. let
                b:f32[] = dot_general[
                  dimension_numbers=(([0], [0]), ([], []))
                  preferred_element_type=float32
                ] a a
              in (b,) }
            """)
        let sorted = makeJaxpr { (x: Tensor) in Lax.sort([x], dimension: 0)[0] }(x).description
        #expect(sorted == """
            { lambda ; a:f32[3]. let
                b:f32[3] = sort[dimension=0 is_stable=True num_keys=1] a
              in (b,) }
            """)
    }

    @Test func variableNamesContinuePastZ() {
        #expect(JaxprPrinter.alphabeticName(0) == "a")
        #expect(JaxprPrinter.alphabeticName(25) == "z")
        #expect(JaxprPrinter.alphabeticName(26) == "ba")
        #expect(JaxprPrinter.alphabeticName(27) == "bb")
        #expect(JaxprPrinter.alphabeticName(26 * 26) == "baa")
    }
}
