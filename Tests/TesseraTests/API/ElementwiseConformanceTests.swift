import Testing
@testable import Tessera

/// Operators, math functions, comparisons and `where` against JAX (api_elementwise.json:
/// every dtype each op accepts, broadcasting, zero-size and 0-d operands, NaN/Inf, weak
/// literals on either side, and promotion of all 49 dtype pairs).
@Suite struct ElementwiseConformanceTests {
    static func binary(_ op: String) -> ((Tensor, Tensor) -> Tensor)? {
        switch op {
        case "add": return { $0 + $1 }
        case "subtract": return { $0 - $1 }
        case "multiply": return { $0 * $1 }
        case "divide": return { $0 / $1 }
        case "remainder": return { $0 % $1 }
        case "pow": return { pow($0, $1) }
        case "maximum": return { maximum($0, $1) }
        case "minimum": return { minimum($0, $1) }
        case "floorDivide": return { floorDivide($0, $1) }
        case "atan2": return { atan2($0, $1) }
        case "bitwiseAnd": return { $0 & $1 }
        case "bitwiseOr": return { $0 | $1 }
        case "bitwiseXor": return { $0 ^ $1 }
        case "equal": return { $0 .== $1 }
        case "notEqual": return { $0 .!= $1 }
        case "less": return { $0 .< $1 }
        case "lessEqual": return { $0 .<= $1 }
        case "greater": return { $0 .> $1 }
        case "greaterEqual": return { $0 .>= $1 }
        default: return nil
        }
    }

    static func unary(_ op: String) -> ((Tensor) -> Tensor)? {
        switch op {
        case "exp": return { exp($0) }
        case "exp2": return { exp2($0) }
        case "log": return { log($0) }
        case "log1p": return { log1p($0) }
        case "expm1": return { expm1($0) }
        case "sin": return { sin($0) }
        case "cos": return { cos($0) }
        case "tan": return { tan($0) }
        case "tanh": return { tanh($0) }
        case "sqrt": return { sqrt($0) }
        case "rsqrt": return { rsqrt($0) }
        case "erf": return { erf($0) }
        case "sigmoid": return { sigmoid($0) }
        case "abs": return { abs($0) }
        case "sign": return { sign($0) }
        case "negative": return { -$0 }
        case "floor": return { floor($0) }
        case "ceil": return { ceil($0) }
        case "round": return { round($0) }
        case "isFinite": return { isFinite($0) }
        case "isNaN": return { isNaN($0) }
        case "bitwiseNot": return { ~$0 }
        case "logicalNot": return { logicalNot($0) }
        default: return nil
        }
    }

    @Test func casesMatchJAX() {
        APICase.runAll("api_elementwise.json") { c in
            if let f = Self.binary(c.op) { return [f(c.args[0], c.args[1])] }
            if let f = Self.unary(c.op) { return [f(c.args[0])] }
            if c.op == "where" { return [Tensor.where(c.args[0], c.args[1], c.args[2])] }
            return nil
        }
    }
}
