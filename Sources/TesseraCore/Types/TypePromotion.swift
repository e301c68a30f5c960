/// Type promotion following `jax.numpy.promote_types` (JAX's type lattice), including
/// weak types: Swift literals behave as JAX treats Python scalars.
///
/// ```swift
/// promoteTypes(.int32, .uint32)   // .int64
/// ```
public func promoteTypes(_ a: DType, _ b: DType) -> DType {
    TypeLattice.join(.strong(a), .strong(b)).dtype
}

/// The result type of combining two possibly weakly typed operands.
///
/// Returns the dtype and whether the result is still weak (only when both are weak).
public func promoteTypes(_ a: DType, weak aWeak: Bool, _ b: DType, weak bWeak: Bool) -> (DType, Bool) {
    let j = TypeLattice.join(TypeLattice.node(a, weak: aWeak), TypeLattice.node(b, weak: bWeak))
    return (j.dtype, j.isWeak)
}

/// JAX's lattice restricted to Tessera's dtypes, with the weak nodes `i*` and `f*`.
///
/// Edges (lower -> upper): b1 -> i*; i* -> u32, i32 (through the unsigned and signed
/// chains); u32 -> i64; i32 -> i64; i64 -> f*; f* -> f16; f16 -> f32 -> f64.
enum TypeLattice: Hashable, CaseIterable {
    case b1, weakInt, u32, i32, i64, weakFloat, f16, f32, f64

    static func strong(_ d: DType) -> TypeLattice { node(d, weak: false) }

    static func node(_ d: DType, weak: Bool) -> TypeLattice {
        switch d {
        case .bool: return .b1
        case .int32: return weak ? .weakInt : .i32
        case .int64: return weak ? .weakInt : .i64
        case .uint32: return weak ? .weakInt : .u32
        case .float16: return weak ? .weakFloat : .f16
        case .float32: return weak ? .weakFloat : .f32
        case .float64: return weak ? .weakFloat : .f64
        }
    }

    var parents: [TypeLattice] {
        switch self {
        case .b1: return [.weakInt]
        case .weakInt: return [.u32, .i32]
        case .u32: return [.i64]
        case .i32: return [.i64]
        case .i64: return [.weakFloat]
        case .weakFloat: return [.f16]
        case .f16: return [.f32]
        case .f32: return [.f64]
        case .f64: return []
        }
    }

    /// All nodes reachable upward from `self`, including itself.
    var upperBounds: Set<TypeLattice> {
        var seen: Set<TypeLattice> = [self]
        var stack = [self]
        while let n = stack.popLast() {
            for p in n.parents where !seen.contains(p) {
                seen.insert(p)
                stack.append(p)
            }
        }
        return seen
    }

    /// The least upper bound of two nodes.
    static func join(_ a: TypeLattice, _ b: TypeLattice) -> TypeLattice {
        if a == b { return a }
        let common = a.upperBounds.intersection(b.upperBounds)
        // The least element of `common` is the one whose upper bounds contain all of `common`.
        for c in common where c.upperBounds.isSuperset(of: common) {
            return c
        }
        preconditionFailure("type lattice has no least upper bound for \(a) and \(b)")
    }

    var isWeak: Bool { self == .weakInt || self == .weakFloat }

    /// The concrete dtype a node stands for (weak nodes take the defaults int32/float32).
    var dtype: DType {
        switch self {
        case .b1: return .bool
        case .weakInt, .i32: return .int32
        case .u32: return .uint32
        case .i64: return .int64
        case .weakFloat, .f32: return .float32
        case .f16: return .float16
        case .f64: return .float64
        }
    }
}
