extension Tensor {
    /// A tensor of `shape` from row-major host elements, on the default device.
    ///
    /// ```swift
    /// let a = Tensor([1, 2, 3, 4] as [Float], shape: [2, 2])
    /// ```
    public init<S: TensorScalar>(_ scalars: [S], shape: [Int]) {
        self.init(scalars, shape: shape, dtype: S.dtype)
    }

    /// A 1-D tensor from host elements.
    public init<S: TensorScalar>(_ scalars: [S]) {
        self.init(scalars, shape: [scalars.count], dtype: S.dtype)
    }

    /// A tensor of `shape` and `dtype` from host elements (converted element by element).
    public init<S: TensorScalar>(_ scalars: [S], shape: [Int], dtype: DType, on device: Device? = nil) {
        let count = shape.reduce(1, *)
        if shape.contains(where: { $0 < 0 }) { usageError("Tensor: negative dimension in shape \(shapeString(shape))") }
        if scalars.count != count {
            usageError("Tensor: \(scalars.count) elements cannot fill shape \(shapeString(shape)) (\(count) elements)")
        }
        let type = ShapedType(shape, dtype)
        var bytes = [UInt8](repeating: 0, count: type.byteCount)
        bytes.withUnsafeMutableBytes { raw in
            if S.dtype == dtype && MemoryLayout<S>.stride == dtype.byteSize && S.self != Bool.self && S.self != Int.self {
                scalars.withUnsafeBytes { raw.copyMemory(from: $0) }
            } else {
                let step = dtype.byteSize
                for (i, s) in scalars.enumerated() { s.store(to: raw.baseAddress! + i * step, dtype: dtype) }
            }
        }
        self.init(bytes: bytes, type: type, on: device)
    }

    /// A tensor from raw little-endian element bytes of `type`.
    public init(bytes: [UInt8], type: ShapedType, on device: Device? = nil) {
        precondition(bytes.count == type.byteCount, "Tensor(bytes:): \(bytes.count) bytes for \(type)")
        let dev = device ?? Device.default
        do {
            let buffer = try bytes.withUnsafeBytes { try dev.backend.upload($0, type: type, to: dev) }
            self.init(base: DeviceArray(type: type, device: dev, buffer: buffer, committed: device != nil))
        } catch let e as TesseraError {
            self.init(base: FailedArray(type: type, error: e))
        } catch {
            self.init(base: FailedArray(type: type, error: TesseraError(.execution, "upload to \(dev): \(error)")))
        }
    }

    /// A scalar tensor (int32, strongly typed).
    public init(_ scalar: Int) { self.init(literal: ScalarLiteral(.int(Int64(scalar)), dtype: .int32)) }
    /// A scalar tensor (int32).
    public init(_ scalar: Int32) { self.init(literal: ScalarLiteral(.int(Int64(scalar)), dtype: .int32)) }
    /// A scalar tensor (int64).
    public init(_ scalar: Int64) { self.init(literal: ScalarLiteral(.int(scalar), dtype: .int64)) }
    /// A scalar tensor (uint32).
    public init(_ scalar: UInt32) { self.init(literal: ScalarLiteral(.uint(UInt64(scalar)), dtype: .uint32)) }
    /// A scalar tensor (float32).
    public init(_ scalar: Float) { self.init(literal: ScalarLiteral(.float(Double(scalar)), dtype: .float32)) }
    /// A scalar tensor (float64).
    public init(_ scalar: Double) { self.init(literal: ScalarLiteral(.float(scalar), dtype: .float64)) }
    /// A scalar tensor (float16).
    public init(_ scalar: Float16) { self.init(literal: ScalarLiteral(.float(Double(scalar)), dtype: .float16)) }
    /// A scalar tensor (bool).
    public init(_ scalar: Bool) { self.init(literal: ScalarLiteral(.bool(scalar), dtype: .bool)) }

    /// The concrete value behind this tensor, or a stop with the concretization message
    /// when it is abstract (a tracer under `jit` or `vmap`).
    func concreteBase(_ operation: String) -> TensorBase {
        switch base {
        case let t as Tracer:
            if let c = t.concreteValue { return c }
            let fn = t.trace.name
            usageError("""
                \(operation): the value of this \(type) tensor is abstract while tracing \(fn): under jit (and vmap) \
                a tensor has a shape and dtype but no value yet, so it cannot become a Swift Bool, Int, Float or array. \
                Use cond(pred, trueFn, falseFn, operand) or whileLoop(cond:body:initial:) for control flow on tensor \
                values, where(_:_:_:) for elementwise choices, or pass the value as a Swift value (a static argument) \
                instead of a Tensor.
                """)
        default:
            return base
        }
    }

    /// Waits for the value and returns its raw little-endian bytes; throws the device error
    /// if computing it failed.
    public func bytes() throws -> [UInt8] {
        switch concreteBase("bytes()") {
        case let a as DeviceArray:
            var out = [UInt8](repeating: 0, count: type.byteCount)
            try out.withUnsafeMutableBytes { try a.device.backend.download(a.buffer, type: a.type, into: $0) }
            return out
        case let l as LiteralTensor:
            return l.literal.withUnsafeBytes { Array($0) }
        case let f as FailedArray:
            throw f.error
        default:
            usageError("internal error: unknown tensor representation")
        }
    }

    /// The elements in row-major order, converted to `S`; waits for the value.
    ///
    /// ```swift
    /// Tensor.arange(3).asArray(Int32.self)   // [0, 1, 2]
    /// ```
    /// Stops with the device error if computing the value failed (use `tryAsArray` to catch it).
    public func asArray<S: TensorScalar>(_: S.Type) -> [S] {
        do { return try tryAsArray(S.self) } catch { fatalError("Tessera: \(error)") }
    }

    /// The elements, converted to `S`, or the device error that computing them raised.
    public func tryAsArray<S: TensorScalar>(_: S.Type) throws -> [S] {
        _ = concreteBase("asArray(\(S.self).self)")
        let raw = try bytes()
        let step = dtype.byteSize
        return raw.withUnsafeBytes { p in
            (0..<count).map { S.load(from: p.baseAddress! + $0 * step, dtype: dtype) }
        }
    }

    /// The single element of a one-element tensor, converted to `S`.
    ///
    /// ```swift
    /// Tensor(2.5).item(Float.self)   // 2.5
    /// ```
    public func item<S: TensorScalar>(_: S.Type) -> S {
        _ = concreteBase("item(\(S.self).self)")
        if count != 1 { usageError("item(): only a tensor with one element can be converted to a scalar, got shape \(shapeString(shape))") }
        return asArray(S.self)[0]
    }

    /// The scalar value as Int64 (for predicates and indices).
    func scalarAsInt64(context: String) -> Int64 {
        _ = concreteBase(context)
        return item(Int64.self)
    }

    /// Waits until the value is computed. Stops with the device error if computing failed
    /// (use `waitUntilReady()` to catch it).
    ///
    /// ```swift
    /// jit(f)(x).blockUntilReady()
    /// ```
    @discardableResult
    public func blockUntilReady() -> Tensor {
        do { try waitUntilReady() } catch { fatalError("Tessera: \(error)") }
        return self
    }

    /// Waits until the value is computed; throws the `TesseraError` raised while computing it.
    public func waitUntilReady() throws {
        switch base {
        case let a as DeviceArray: try a.device.backend.waitUntilReady(a.buffer)
        case let f as FailedArray: throw f.error
        case let t as Tracer:
            if let c = t.concreteValue { try c.device.backend.waitUntilReady(c.buffer) }
        default: return
        }
    }

    /// The tensor committed to `device` (copied there if it lives elsewhere), as
    /// `jax.device_put`: later operations on it run on that device.
    public func to(_ device: Device) -> Tensor {
        switch concreteBase("to(_:)") {
        case let a as DeviceArray:
            if a.device === device {
                // Already there: the same buffer, now committed to the device.
                return a.committed ? self : Tensor(base: DeviceArray(type: a.type, device: device, buffer: a.buffer))
            }
            do { return Tensor(base: try Transfer.copy(a, to: device)) } catch let e as TesseraError {
                return Tensor(base: FailedArray(type: type, error: e))
            } catch {
                return Tensor(base: FailedArray(type: type, error: TesseraError(.execution, "\(error)")))
            }
        case let l as LiteralTensor:
            return Tensor(bytes: l.literal.withUnsafeBytes { Array($0) }, type: l.type, on: device)
        default:
            return self
        }
    }
}
