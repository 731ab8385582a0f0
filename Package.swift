// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "paydesk",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "paydesk", targets: ["paydesk"]),
        .executable(name: "paydesk-bench", targets: ["paydesk-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        // System libraries: a missing one names the Debian package that provides it. SwiftPM prints that hint
        // only after a pkg-config lookup fails, hence pkgConfig. Not for ncursesw: every ncurses .pc file carries
        // -D flags SwiftPM refuses with a warning on each build; its module map links the libraries by name and
        // its shim names the package when the header is missing.
        .systemLibrary(name: "CNCursesW"),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // wcwidth, memmem, memrchr and mallopt, which Glibc's Swift module hides, and a prefetch (the console's
        // rows use KeyIndex, which is inlined into them).
        .systemLibrary(name: "CLibcExtras"),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // Store files mapped with a guard against SIGBUS (a file cut short by another program while mapped), and
        // the search for a key's bytes in them.
        .target(name: "CMappedFile"),

        .target(
            name: "PaydeskCore",
            dependencies: ["COpenSSL", "CLibcExtras", "CMappedFile", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        .target(
            name: "Gateways",
            dependencies: ["PaydeskCore", "CCurl"]
        ),
        .target(
            name: "GatewaySimulator",
            dependencies: ["Gateways", "PaydeskCore", .product(name: "FlyingFox", package: "FlyingFox")]
        ),
        .target(
            name: "Demo",
            dependencies: ["GatewaySimulator", "PaydeskCore"]
        ),
        .target(
            name: "Console",
            dependencies: ["PaydeskCore", "CLibcExtras", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        .target(
            name: "TerminalCurses",
            dependencies: ["Console", "CNCursesW", "PaydeskCore"]
        ),
        .executableTarget(
            name: "paydesk",
            dependencies: [
                "PaydeskCore", "Gateways", "GatewaySimulator", "Demo", "Console", "TerminalCurses",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "paydesk-bench",
            dependencies: [
                "PaydeskCore", "Console", "GatewaySimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "PaydeskCoreTests",
            dependencies: ["PaydeskCore", "Gateways", "GatewaySimulator", "Demo", "Console", "TerminalCurses", "paydesk"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
