import Foundation

/// The engine behind `jit`: traces, compiles and caches a function of flattened tensor
/// trees per signature, and inlines it under other transformations.
final class JitEngine: Sendable {
    let name: String
    let cache: JitCache
    /// Serialises tracing and compiling (threads asking for one new signature trace once).
    private let compileLock = NSLock()

    init(name: String, cacheSize: Int?) {
        self.name = name
        cache = JitCache(capacity: cacheSize ?? JitCache.defaultCapacity, name: name)
    }

    /// Whether a call must inline the function (a trace is active or an argument is a
    /// tracer): outer transformations then see its primitives.
    static func mustInline(_ args: [any TensorTree]) -> Bool {
        if !TraceStack.current.traces.isEmpty { return true }
        return args.contains { $0.tensors.contains { $0.base is Tracer } }
    }

    /// The device a call runs on: that of its first device-array argument, else the default.
    static func device(of leaves: [Tensor]) -> Device {
        for t in leaves { if let a = t.base as? DeviceArray { return a.device } }
        return Device.default
    }

    /// The compiled program for `lower`: only outside transformations.
    func lowered<R: TensorTree>(_ args: [any TensorTree], _ call: ([any TensorTree]) -> R) -> LoweredProgram {
        if JitEngine.mustInline(args) {
            usageError("jit(\(name)).lower: call it outside other transformations, on concrete arguments (under a transformation jit inlines the function and compiles nothing)")
        }
        return LoweredProgram(executable: entry(args, call).0.executable)
    }

    /// The cached (or newly traced and compiled) program for these arguments.
    func entry<R: TensorTree>(_ args: [any TensorTree], _ call: ([any TensorTree]) -> R) -> (JitCache.Entry, [Tensor]) {
        let leaves = args.flatMap { $0.tensors }
        let device = JitEngine.device(of: leaves)
        let sig = JitSignature(types: leaves.map(\.type), device: device.id)
        if let e = cache.lookup(sig) {
            TesseraLog.logger.debug("jit(\(name)): cache hit for \(sig)")
            return (e, leaves)
        }
        compileLock.lock()
        defer { compileLock.unlock() }
        if let e = cache.lookup(sig) { return (e, leaves) }
        let reason = cache.missReason(sig)
        TesseraLog.logger.info("jit(\(name)): tracing for \(sig): \(reason)")
        let (closed, template) = traceTrees(name: "jit(\(name))", args, call)
        let exe = Executable.compile(closed, name: "jit(\(name))", device: device)
        TesseraLog.logger.info("jit(\(name)): compiled \(exe.stepCount) step(s), \(exe.kernelCount) kernel(s) on \(device.id)")
        let e = JitCache.Entry(executable: exe, outputTemplate: template)
        cache.store(sig, e)
        return (e, leaves)
    }

    func call<R: TensorTree>(_ args: [any TensorTree], _ f: ([any TensorTree]) -> R) -> R {
        if JitEngine.mustInline(args) { return f(args) }
        let (e, leaves) = entry(args, f)
        let outs = e.executable.run(leaves)
        return (e.outputTemplate as! R).replacingTensors(outs)
    }
}

/// A program compiled by `jit` for one signature, for inspection.
///
/// ```swift
/// jit(f).lower(x).kernelCount   // 1 for the seed polynomial
/// ```
public struct LoweredProgram: CustomStringConvertible, Sendable {
    /// The compiled program.
    public let executable: Executable
    /// The simplified jaxpr that was fused.
    public var jaxpr: Jaxpr { executable.program.jaxpr }
    /// The fused kernels (top level).
    public var kernels: [Kernel] { executable.kernels }
    /// The number of fused kernels, control-flow sub-programs included.
    public var kernelCount: Int { executable.kernelCount }
    /// The steps and kernels.
    public var description: String { executable.description }
}

/// A jitted function of one tensor tree: call it like the function it wraps.
///
/// ```swift
/// let fast = jit(f)
/// fast(x)                 // traced and compiled on the first call per shape/dtype/device
/// fast.traceCount         // how many times f was traced
/// ```
public final class JittedFunction<A: TensorTree, R: TensorTree>: Sendable {
    let engine: JitEngine
    let f: @Sendable (A) -> R
    init(_ f: @escaping @Sendable (A) -> R, name: String, cacheSize: Int?) {
        self.f = f
        engine = JitEngine(name: name, cacheSize: cacheSize)
    }
    /// Runs the compiled program (or `f` itself under another transformation).
    public func callAsFunction(_ a: A) -> R { engine.call([a]) { f($0[0] as! A) } }
    /// Compiles (or fetches) the program for these arguments without running it.
    public func lower(_ a: A) -> LoweredProgram { engine.lowered([a]) { f($0[0] as! A) } }
    /// How many times the function was traced (once per new signature).
    public var traceCount: Int { engine.cache.traceCount }
    /// How many signatures' programs are cached (at most `cacheSize`).
    public var cachedProgramCount: Int { engine.cache.count }
    /// The most programs kept before the least recently used is evicted.
    public var cacheSize: Int { engine.cache.capacity }
    /// How many programs were evicted to make room for new signatures.
    public var evictionCount: Int { engine.cache.evictionCount }
    /// The function as a closure (for passing to other transformations).
    public var function: @Sendable (A) -> R { { [self] a in self(a) } }
}

/// A jitted function of two tensor trees.
public final class JittedFunction2<A: TensorTree, B: TensorTree, R: TensorTree>: Sendable {
    let engine: JitEngine
    let f: @Sendable (A, B) -> R
    init(_ f: @escaping @Sendable (A, B) -> R, name: String, cacheSize: Int?) {
        self.f = f
        engine = JitEngine(name: name, cacheSize: cacheSize)
    }
    /// Runs the compiled program (or `f` itself under another transformation).
    public func callAsFunction(_ a: A, _ b: B) -> R { engine.call([a, b]) { f($0[0] as! A, $0[1] as! B) } }
    /// Compiles (or fetches) the program for these arguments without running it.
    public func lower(_ a: A, _ b: B) -> LoweredProgram {
        engine.lowered([a, b]) { f($0[0] as! A, $0[1] as! B) }
    }
    /// How many times the function was traced.
    public var traceCount: Int { engine.cache.traceCount }
    /// How many signatures' programs are cached (at most `cacheSize`).
    public var cachedProgramCount: Int { engine.cache.count }
    /// The most programs kept before the least recently used is evicted.
    public var cacheSize: Int { engine.cache.capacity }
    /// How many programs were evicted to make room for new signatures.
    public var evictionCount: Int { engine.cache.evictionCount }
    /// The function as a closure.
    public var function: @Sendable (A, B) -> R { { [self] a, b in self(a, b) } }
}

/// A jitted function of three tensor trees.
public final class JittedFunction3<A: TensorTree, B: TensorTree, C: TensorTree, R: TensorTree>: Sendable {
    let engine: JitEngine
    let f: @Sendable (A, B, C) -> R
    init(_ f: @escaping @Sendable (A, B, C) -> R, name: String, cacheSize: Int?) {
        self.f = f
        engine = JitEngine(name: name, cacheSize: cacheSize)
    }
    /// Runs the compiled program (or `f` itself under another transformation).
    public func callAsFunction(_ a: A, _ b: B, _ c: C) -> R {
        engine.call([a, b, c]) { f($0[0] as! A, $0[1] as! B, $0[2] as! C) }
    }
    /// Compiles (or fetches) the program for these arguments without running it.
    public func lower(_ a: A, _ b: B, _ c: C) -> LoweredProgram {
        engine.lowered([a, b, c]) { f($0[0] as! A, $0[1] as! B, $0[2] as! C) }
    }
    /// How many times the function was traced.
    public var traceCount: Int { engine.cache.traceCount }
    /// How many signatures' programs are cached (at most `cacheSize`).
    public var cachedProgramCount: Int { engine.cache.count }
    /// The most programs kept before the least recently used is evicted.
    public var cacheSize: Int { engine.cache.capacity }
    /// How many programs were evicted to make room for new signatures.
    public var evictionCount: Int { engine.cache.evictionCount }
    /// The function as a closure.
    public var function: @Sendable (A, B, C) -> R { { [self] a, b, c in self(a, b, c) } }
}

/// The name of an unnamed jitted function in logs and messages: where `jit` was called.
func defaultJitName(_ fileID: String, _ line: Int) -> String { "closure at \(fileID):\(line)" }

/// Compiles `f` into fused kernels, cached per argument shapes, dtypes, weak types and
/// device. Under another transformation (grad, vmap, an outer jit) the call inlines `f`.
///
/// A tensor captured by `f` (not passed as an argument) is a constant baked into the
/// compiled program. `name` appears in logs and error messages (default: the call site,
/// `closure at Module/File.swift:12`). The function keeps the programs of at most
/// `cacheSize` signatures (default 64) and evicts the least recently used one when a new
/// signature needs room (logged under `TESSERA_LOG=debug`); calling it again with an
/// evicted signature traces and compiles again.
/// ```swift
/// let fast = jit(f)
/// fast(x).blockUntilReady()
/// ```
public func jit<A: TensorTree, R: TensorTree>(_ f: @escaping @Sendable (A) -> R, name: String? = nil, cacheSize: Int? = nil,
    fileID: String = #fileID, line: Int = #line) -> JittedFunction<A, R> {
    JittedFunction(f, name: name ?? defaultJitName(fileID, line), cacheSize: cacheSize)
}

/// `jit` of a function of two tensor trees.
public func jit<A: TensorTree, B: TensorTree, R: TensorTree>(_ f: @escaping @Sendable (A, B) -> R,
                                                              name: String? = nil, cacheSize: Int? = nil,
    fileID: String = #fileID, line: Int = #line) -> JittedFunction2<A, B, R> {
    JittedFunction2(f, name: name ?? defaultJitName(fileID, line), cacheSize: cacheSize)
}

/// `jit` of a function of three tensor trees.
public func jit<A: TensorTree, B: TensorTree, C: TensorTree, R: TensorTree>(
    _ f: @escaping @Sendable (A, B, C) -> R, name: String? = nil, cacheSize: Int? = nil,
    fileID: String = #fileID, line: Int = #line) -> JittedFunction3<A, B, C, R> {
    JittedFunction3(f, name: name ?? defaultJitName(fileID, line), cacheSize: cacheSize)
}

/// `jit` returning a plain closure, for passing to other transformations
/// (`grad(jit(f))`, `vmap(jit(f))`).
@_disfavoredOverload
public func jit<A: TensorTree, R: TensorTree>(_ f: @escaping @Sendable (A) -> R, name: String? = nil, cacheSize: Int? = nil,
    fileID: String = #fileID, line: Int = #line) -> @Sendable (A) -> R {
    JittedFunction(f, name: name ?? defaultJitName(fileID, line), cacheSize: cacheSize).function
}

/// `jit` of two arguments returning a plain closure.
@_disfavoredOverload
public func jit<A: TensorTree, B: TensorTree, R: TensorTree>(_ f: @escaping @Sendable (A, B) -> R,
                                                              name: String? = nil, cacheSize: Int? = nil,
    fileID: String = #fileID, line: Int = #line) -> @Sendable (A, B) -> R {
    JittedFunction2(f, name: name ?? defaultJitName(fileID, line), cacheSize: cacheSize).function
}

/// `jit` of three arguments returning a plain closure.
@_disfavoredOverload
public func jit<A: TensorTree, B: TensorTree, C: TensorTree, R: TensorTree>(
    _ f: @escaping @Sendable (A, B, C) -> R, name: String? = nil, cacheSize: Int? = nil,
    fileID: String = #fileID, line: Int = #line) -> @Sendable (A, B, C) -> R {
    JittedFunction3(f, name: name ?? defaultJitName(fileID, line), cacheSize: cacheSize).function
}
