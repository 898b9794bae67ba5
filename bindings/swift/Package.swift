// swift-tools-version:5.9
// paywire for Swift: the UniFFI-generated sources (Sources/Paywire/Paywire.swift, committed;
// scripts/generate fails when they are stale) over PaywireFFI, an XCFramework holding
// libpaywire_ffi.a for iOS, the iOS simulator and macOS with the C header and module map.
//
// Releases: the release workflow builds the XCFramework (scripts/xcframework) and attaches
// PaywireFFI.xcframework.zip to the GitHub release; `releaseURL`/`releaseChecksum` below name it
// (scripts/xcframework prints the checksum to write here before tagging).
// Local work on a Mac: bindings/swift/scripts/xcframework, then PAYWIRE_LOCAL_XCFRAMEWORK=1 swift build.
import Foundation
import PackageDescription

let version = "0.1.0"
let releaseURL = "https://example.invalid/paywire/releases/download/v\(version)/PaywireFFI.xcframework.zip"
let releaseChecksum = "0000000000000000000000000000000000000000000000000000000000000000"

let ffi: Target = ProcessInfo.processInfo.environment["PAYWIRE_LOCAL_XCFRAMEWORK"] != nil
    ? .binaryTarget(name: "PaywireFFI", path: "../../dist/swift/PaywireFFI.xcframework")
    : .binaryTarget(name: "PaywireFFI", url: releaseURL, checksum: releaseChecksum)

let package = Package(
    name: "Paywire",
    platforms: [.macOS(.v12), .iOS(.v15)],
    products: [
        .library(name: "Paywire", targets: ["Paywire"]),
    ],
    targets: [
        ffi,
        .target(
            name: "Paywire",
            dependencies: ["PaywireFFI"],
            path: "Sources/Paywire"
        ),
    ]
)
