// swift-tools-version:5.9
// paywire for Swift: the UniFFI-generated sources (Sources/Paywire/Paywire.swift and
// Sources/PaywireFFI/include/*, written by scripts/generate, not committed) over the native
// library `libpaywire_ffi` built by cargo.
//
// Build (macOS/Linux with a Swift toolchain):
//   cargo build --release -p paywire-ffi -p uniffi-bindgen
//   bindings/swift/scripts/generate "$CARGO_TARGET_DIR/release/libpaywire_ffi.so" "$CARGO_TARGET_DIR/release/uniffi-bindgen"
//   swift build -Xlinker -L"$CARGO_TARGET_DIR/release"
// For iOS, package the static library (libpaywire_ffi.a) of each target in an XCFramework and
// replace the PaywireFFI target with a binaryTarget.
import PackageDescription

let package = Package(
    name: "Paywire",
    platforms: [.macOS(.v12), .iOS(.v15)],
    products: [
        .library(name: "Paywire", targets: ["Paywire"]),
    ],
    targets: [
        .target(
            name: "PaywireFFI",
            path: "Sources/PaywireFFI",
            publicHeadersPath: "include"
        ),
        .target(
            name: "Paywire",
            dependencies: ["PaywireFFI"],
            path: "Sources/Paywire",
            linkerSettings: [.linkedLibrary("paywire_ffi")]
        ),
    ]
)
