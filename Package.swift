// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Tessera",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Tessera", targets: ["Tessera"]),
        .library(name: "TesseraCore", targets: ["TesseraCore"]),
        .executable(name: "tessera-demo", targets: ["tessera-demo"]),
        .library(name: "TesseraConformance", targets: ["TesseraConformance"]),
        .executable(name: "tessera-conformance", targets: ["tessera-conformance"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // System libraries (see scripts/install-deps.sh); shaderc is linked statically
        // through the link lines of its modulemap.
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "COpenCL", path: "Sources/COpenCL", pkgConfig: "OpenCL",
                       providers: [.apt(["ocl-icd-opencl-dev", "pocl-opencl-icd"])]),
        .systemLibrary(name: "CVulkan", path: "Sources/CVulkan", pkgConfig: "vulkan",
                       providers: [.apt(["libvulkan-dev", "mesa-vulkan-drivers"])]),
        .systemLibrary(name: "CShaderc", path: "Sources/CShaderc", pkgConfig: "shaderc_combined",
                       providers: [.apt(["libshaderc-dev", "glslang-dev", "spirv-tools"])]),
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
        .target(
            name: "BLASBackend",
            dependencies: ["TesseraCore", "COpenBLAS", "ReferenceBackend", "KernelSource"],
            path: "Plugins/BLASBackend"
        ),
        .target(name: "KernelSource", dependencies: ["TesseraCore"], path: "Plugins/KernelSource"),
        .target(name: "OpenCLBackend", dependencies: ["TesseraCore", "KernelSource", "COpenCL"],
                path: "Plugins/OpenCLBackend"),
        .target(
            name: "VulkanBackend",
            dependencies: ["TesseraCore", "CVulkan", "CShaderc"],
            path: "Plugins/VulkanBackend"
        ),
        .target(name: "TesseraBootstrap", path: "Sources/TesseraBootstrap"),
        .target(
            name: "Tessera",
            dependencies: ["TesseraCore", "ReferenceBackend", "BLASBackend", "OpenCLBackend", "VulkanBackend", "TesseraBootstrap"],
            path: "Sources/Tessera"
        ),
        .executableTarget(
            name: "tessera-demo",
            dependencies: ["Tessera"],
            path: "Sources/tessera-demo"
        ),
        // The cross-backend conformance cases, differential fuzzer and their runner, shared by
        // the tests and the `tessera-conformance` executable.
        .target(
            name: "TesseraConformance",
            dependencies: ["Tessera"],
            path: "Sources/TesseraConformance",
            resources: [.copy("Data")]
        ),
        .executableTarget(
            name: "tessera-conformance",
            dependencies: [
                "TesseraConformance",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/tessera-conformance"
        ),
        .testTarget(
            name: "TesseraTests",
            dependencies: ["Tessera", "VulkanBackend", "TesseraConformance"],
            path: "Tests/TesseraTests",
            resources: [.copy("Data")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
