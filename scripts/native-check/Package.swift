// swift-tools-version:6.1
// native-check: a standalone package (NOT part of the main Tessera package) proving that
// every native library Tessera uses links and works from Swift 6 language mode.
// Sources/C* are symlinks to the main package's shims (../../../Sources/C*), so this checks
// exactly the shims the main package builds with. Run: `make native-check` from the repo
// root, or `swift run -c release` here.
import PackageDescription

let package = Package(
    name: "native-check",
    targets: [
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "COpenCL", path: "Sources/COpenCL", pkgConfig: "OpenCL",
                       providers: [.apt(["ocl-icd-opencl-dev", "pocl-opencl-icd"])]),
        .systemLibrary(name: "CVulkan", path: "Sources/CVulkan", pkgConfig: "vulkan",
                       providers: [.apt(["libvulkan-dev", "mesa-vulkan-drivers"])]),
        .systemLibrary(name: "CShaderc", path: "Sources/CShaderc", pkgConfig: "shaderc_combined",
                       providers: [.apt(["libshaderc-dev", "glslang-dev", "spirv-tools"])]),
        .executableTarget(name: "native-check",
                          dependencies: ["COpenBLAS", "COpenCL", "CVulkan", "CShaderc"],
                          path: "Sources/native-check"),
    ],
    swiftLanguageModes: [.v6]
)
