// swift-tools-version:6.1
import PackageDescription

// Dependencies flow one way:
// CSodium → SodiumKit → TransparencyLog ─┐
//           AccessPolicy ────────────────┴→ CaseVaultCore → casevault, CaseVaultBenchmark
//                               CaseVaultCore, CProcessGuard → CaseVaultAgent → casevault
//                               CaseVaultCore (+ Hummingbird, PostgresNIO) → CaseVaultServer → casevault
//                               CaseVaultCore → CaseVaultSync (the workstation's client) → casevault
//
// Supported: Linux (Debian with libsodium-dev, Swift 6). The code uses Glibc and was never
// built on Apple platforms, so the package names none in `platforms`.
// The core runs optimised in debug builds too: the tests spend most of their time in it, and
// an unoptimised core made the suite several times slower. Tests still reach it with
// `@testable import`, which `-enable-testing` (on in debug builds) keeps working.
let optimizedInEveryBuild: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "CaseVault",
    products: [
        .executable(name: "casevault", targets: ["casevault"]),
        .executable(name: "casevault-bench", targets: ["CaseVaultBenchmark"]),
        .library(name: "CaseVaultCore", targets: ["CaseVaultCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // `casevault serve` (Hummingbird, PostgreSQL, Prometheus counters) and `casevault ui` (Hummingbird, Mustache).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // The only C library: Debian's libsodium-dev, found through pkg-config.
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]),
        // The only importer of CSodium: typed keys, zeroed secrets, thrown errors.
        .target(name: "SodiumKit", dependencies: ["CSodium"], swiftSettings: optimizedInEveryBuild),
        // Roles, the record's field catalogue and the signed access policy. No crypto.
        .target(name: "AccessPolicy", dependencies: [.product(name: "Yams", package: "Yams")], swiftSettings: optimizedInEveryBuild),
        // RFC 6962 Merkle tree, C2SP signed notes, checkpoints and cosignatures.
        .target(name: "TransparencyLog", dependencies: ["SodiumKit"], swiftSettings: optimizedInEveryBuild),
        // Records, keyring, storage, sealing, access log and handover bundles.
        .target(
            name: "CaseVaultCore",
            dependencies: [
                "SodiumKit", "AccessPolicy", "TransparencyLog",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: optimizedInEveryBuild),
        // Process hardening the key agent needs from C: prctl, SO_PEERCRED, signalfd.
        .target(name: "CProcessGuard"),
        // The per-user key agent: holds a member's unlocked keys, signs and opens sealed boxes
        // for the same user's commands over a Unix socket.
        .target(name: "CaseVaultAgent", dependencies: ["CaseVaultCore", "SodiumKit", "CProcessGuard"]),
        // `casevault serve`: HTTP over Hummingbird, sealed rows in PostgreSQL, every push checked
        // with the core's own rules. Holds no secret key and no plaintext.
        .target(
            name: "CaseVaultServer",
            dependencies: [
                "CaseVaultCore", "SodiumKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        // A workstation's side of the shared vault: authenticates, pulls into the local replica
        // (verified by the core as any vault), pushes its writes, posts and fetches deliveries.
        .target(name: "CaseVaultSync", dependencies: ["CaseVaultCore", "SodiumKit"]),
        // The fully filled fictional case used by the demo, the benchmark and the tests.
        .target(name: "CaseVaultSamples"),
        // `casevault ui`: Norwegian screens served on 127.0.0.1 over the same core and key agent.
        .target(
            name: "CaseVaultUI",
            dependencies: [
                "CaseVaultCore", "CaseVaultAgent", "SodiumKit", "AccessPolicy",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]),
        .executableTarget(
            name: "casevault",
            dependencies: [
                "CaseVaultCore", "CaseVaultAgent", "CaseVaultSamples", "SodiumKit", "AccessPolicy", "TransparencyLog", "CProcessGuard",
                "CaseVaultUI", "CaseVaultServer", "CaseVaultSync",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Reaches the core's `package` API; nothing it uses is public.
        .executableTarget(
            name: "CaseVaultBenchmark",
            dependencies: [
                "CaseVaultCore", "CaseVaultSamples", "CaseVaultUI", "SodiumKit", "AccessPolicy", "TransparencyLog",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        // The Wycheproof and RFC 6962 vectors the conformance tests read, vendored with their licences.
        .target(name: "TestVectors", path: "Tests/Vectors", exclude: ["README.md", "wycheproof", "merkle"]),
        .testTarget(name: "SodiumKitTests", dependencies: ["SodiumKit", "TestVectors"]),
        .testTarget(name: "AccessPolicyTests", dependencies: ["AccessPolicy"]),
        .testTarget(name: "TransparencyLogTests", dependencies: ["TransparencyLog", "SodiumKit", "TestVectors"]),
        // Test vaults, clients with saved state, raw database access and the independent access
        // model, shared by the core tests and the model-based tests (debug builds only).
        .target(
            name: "CaseVaultTestSupport",
            dependencies: [
                "CaseVaultCore", "CaseVaultSamples", "SodiumKit", "AccessPolicy", "TransparencyLog",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/TestSupport"),
        .testTarget(
            name: "CaseVaultCoreTests",
            dependencies: [
                "CaseVaultCore", "CaseVaultSamples", "SodiumKit", "AccessPolicy", "TransparencyLog", "TestVectors", "CaseVaultTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Fixtures"]),
        // Seeded random sequences of commands by every role, checked from every member's seat.
        .testTarget(
            name: "CaseVaultModelTests",
            dependencies: [
                "CaseVaultCore", "CaseVaultSamples", "SodiumKit", "AccessPolicy", "CaseVaultTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(name: "CaseVaultAgentTests", dependencies: ["CaseVaultAgent", "CaseVaultCore", "SodiumKit"]),
        .testTarget(name: "CaseVaultUITests", dependencies: ["CaseVaultUI", "SodiumKit"]),
        // Against a real PostgreSQL (CASEVAULT_TEST_POSTGRES, set by scripts/test.sh); skipped without it.
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "CaseVaultServer", "CaseVaultSync", "CaseVaultCore", "CaseVaultTestSupport", "CaseVaultSamples", "SodiumKit", "AccessPolicy",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .testTarget(
            name: "CLITests",
            dependencies: ["CaseVaultCore", "CaseVaultAgent", "CProcessGuard", "CaseVaultSamples", "SodiumKit", "AccessPolicy", "CaseVaultTestSupport",
                           .product(name: "GRDB", package: "GRDB.swift")]),
    ],
    swiftLanguageModes: [.v6]
)
