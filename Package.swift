// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Tessera",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Tessera", targets: ["Tessera"]),
        .library(name: "TesseraCore", targets: ["TesseraCore"]),
        .executable(name: "tessera-demo", targets: ["tessera-demo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    ],
    targets: [
        .target(
            name: "TesseraCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Numerics", package: "swift-numerics"),
            ],
            path: "Sources/TesseraCore"
        ),
        .target(
            name: "ReferenceBackend",
            dependencies: [
                "TesseraCore",
                .product(name: "Numerics", package: "swift-numerics"),
            ],
            path: "Plugins/ReferenceBackend"
        ),
        .target(name: "TesseraBootstrap", path: "Sources/TesseraBootstrap"),
        .target(
            name: "Tessera",
            dependencies: ["TesseraCore", "ReferenceBackend", "TesseraBootstrap"],
            path: "Sources/Tessera"
        ),
        .executableTarget(
            name: "tessera-demo",
            dependencies: ["Tessera"],
            path: "Sources/tessera-demo"
        ),
        .testTarget(
            name: "TesseraTests",
            dependencies: ["Tessera"],
            path: "Tests/TesseraTests",
            resources: [.copy("Data")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
