import Testing
@testable import Tessera

// The seed's polynomial, exactly as in DESIGN.md. With one `(Tensor, Tensor) -> Tensor`
// overload per operator and literals converted through ExpressibleByIntegerLiteral, it
// type-checks well under `-warn-long-expression-type-checking=200`.
func f(_ x: Tensor) -> Tensor { -4 * x * x * x + 9 * x * x + 6 * x - 3 }

@Suite struct SeedPolynomialTests {
    @Test func valuesOnIntScalars() {
        // f(x) = -4x^3 + 9x^2 + 6x - 3
        #expect(f(Tensor(1)).item(Int32.self) == 8)
        #expect(f(Tensor(0)).item(Int32.self) == -3)
        #expect(f(Tensor(2)).item(Int32.self) == 13)
        #expect(f(Tensor(-1)).item(Int32.self) == 4)
        #expect(f(Tensor(3)).dtype == .int32)
    }

    @Test func valuesOnFloatVector() {
        let x = Tensor([0, 0.5, 1, 2.5] as [Float])
        let y = f(x)
        #expect(y.dtype == .float32)
        expectClose(y.doubles, [-3, 1.75, 8, 5.75], rtol: 1e-6, "f on float32")
    }

    @Test func jaxprKeepsLiteralsInline() {
        let closed = traceToJaxpr(name: "f", inTypes: [ShapedType([], .int32)]) { [f($0[0])] }
        let eqs = closed.jaxpr.equations
        let a = closed.jaxpr.inVars[0]
        // JAX: b = mul a -4; c = mul b a; d = mul c a; e = mul a 9; f = mul e a;
        //      g = add d f; h = mul a 6; i = add g h; j = sub i 3
        let expected: [(String, [String])] = [
            ("mul", ["a", "-4"]), ("mul", ["b", "a"]), ("mul", ["c", "a"]), ("mul", ["a", "9"]), ("mul", ["e", "a"]),
            ("add", ["d", "f"]), ("mul", ["a", "6"]), ("add", ["g", "h"]), ("sub", ["i", "3"]),
        ]
        #expect(eqs.count == expected.count)
        var names: [JaxprVar: String] = [a: "a"]
        let letters = Array("bcdefghij").map(String.init)
        for (k, eq) in eqs.enumerated() where k < expected.count {
            names[eq.outputs[0]] = letters[k]
            #expect(printedName(eq.primitive) == expected[k].0)
            let operands = eq.inputs.map { atom -> String in
                switch atom {
                case .variable(let v): return names[v] ?? "?"
                case .literal(let l): return l.description
                }
            }
            #expect(operands == expected[k].1, "equation \(k)")
            #expect(eq.outputs[0].type == ShapedType([], .int32))
        }
    }
}
