// swift-tools-version:6.1
// Benchmarks for Tessera, kept in their own package so that the main package's build and
// tests do not pay for package-benchmark. Run: `make bench` (or
// `swift package --package-path Benchmarks benchmark`).
import PackageDescription

let package = Package(
    name: "TesseraBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Tessera", path: ".."),   // named: the checkout directory may be called anything
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "Transformations",
            dependencies: [
                .product(name: "Tessera", package: "Tessera"),
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/Transformations",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "EagerOps",
            dependencies: [
                .product(name: "Tessera", package: "Tessera"),
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/EagerOps",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        // The BLAS backend against plain C loops and raw OpenBLAS in one run.
        .target(
            name: "BLASPeers",
            path: "Benchmarks/BLASPeers",
            cSettings: [.unsafeFlags(["-O3"])],
            linkerSettings: [.linkedLibrary("openblas"), .linkedLibrary("pthread")]
        ),
        .executableTarget(
            name: "BLASBenchmarks",
            dependencies: [
                "BLASPeers",
                .product(name: "Tessera", package: "Tessera"),
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/BLAS",
            exclude: ["RESULTS.md"],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        // The jit path alone, for perf/callgrind.
        .executableTarget(
            name: "BLASProfile",
            dependencies: ["BLASPeers", .product(name: "Tessera", package: "Tessera")],
            path: "Benchmarks/BLASProfile"
        ),
        // Convolution and linear algebra on the BLAS backend (peers: linalg_conv_peers.py).
        .executableTarget(
            name: "LinalgConvBenchmarks",
            dependencies: [.product(name: "Tessera", package: "Tessera")],
            path: "Benchmarks/LinalgConv"
        ),
    ],
    swiftLanguageModes: [.v6]
)
