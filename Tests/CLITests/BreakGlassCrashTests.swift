import CaseVaultCore
import CaseVaultSamples
import Foundation
import GRDB
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `breakglass open` killed with SIGKILL at seeded random moments: a decrypted value never
/// reaches the output unless the vault's log already holds the opening and the read, and no key
/// is ever released for an opening that is not in the log.
final class BreakGlassCrashTests: XCTestCase {
    static let canary = "Kanari Nodtilgang-9034"

    func testKilledBreakGlassNeverShowsAFieldWithoutItsLogEntry() throws {
        let v = try CLIVault()
        try v.run(as: "lina", ["breakglass", "setup"]).assertSuccess("breakglass setup")
        let caseID = try v.newCase(SampleCase.yaml.replacingOccurrences(of: "Anna Fiktiv Testesen", with: Self.canary))
        let reason = try v.cli.write("reason", "Politiet melder akutt fare\n")
        var generator = SplitMix64(seed: 0x5EED_B6)
        var killed = 0, shown = 0
        let rounds = 30
        for round in 0..<rounds {
            let out = v.cli.path("out-\(round)")
            FileManager.default.createFile(atPath: out, contents: nil)
            let p = Process()
            p.executableURL = CLI.binary
            p.arguments = ["breakglass", "open", caseID, "--fields", "person.legal_name", "--minutes", "60", "--reason-code", "life-danger",
                           "--reason-file", reason, "--json"] + v.as("lina")
            p.environment = v.cli.environment
            p.currentDirectoryURL = v.cli.workdir
            p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
            p.standardError = FileHandle.nullDevice
            p.standardInput = FileHandle.nullDevice
            try p.run()
            usleep(UInt32(generator.next() % 700_000))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            if p.terminationReason == .uncaughtSignal { killed += 1 }
            let printed = String(decoding: FileManager.default.contents(atPath: out) ?? Data(), as: UTF8.self)
            if printed.contains(Self.canary) {
                shown += 1
                // The read that printed it is in the log, after its opening.
                let reads = try breakGlassReads(v)
                XCTAssertGreaterThanOrEqual(reads.count, shown, "round \(round): a value was shown without its case.read entry")
            }
            try checkNoUnloggedRelease(v, round: round)
        }
        print("BreakGlassCrashTests: \(killed) of \(rounds) runs killed, \(shown) showed the field")
        XCTAssertGreaterThan(killed, 0)
        XCTAssertGreaterThan(shown, 0)

        // Not one of them is reviewed: `audit verify` says so.
        let dir = v.cli.path("export")
        try v.cli.run(["audit", "export", dir] + v.as("anne")).assertSuccess("export")
        let verified = try v.cli.run(["audit", "verify", dir, "--root-fingerprint", v.rootFingerprint])
        verified.assertSuccess("verify")
        XCTAssertTrue(verified.stdout.contains("NOT REVIEWED"), verified.stdout)
        XCTAssertFalse(verified.stdout.contains(Self.canary))
    }

    func testAloneWithoutTheRootKeyFileIsRefusedAndReleasesNothing() throws {
        let v = try CLIVault()
        try v.run(as: "lina", ["breakglass", "setup"]).assertSuccess("breakglass setup")
        let caseID = try v.newCase(SampleCase.yaml.replacingOccurrences(of: "Anna Fiktiv Testesen", with: Self.canary))
        let reason = try v.cli.write("reason", "Politiet melder akutt fare\n")
        let r = try v.withoutRootKey {
            try v.run(as: "lina", ["breakglass", "open", caseID, "--fields", "person.legal_name", "--minutes", "60", "--reason-code", "life-danger",
                                   "--reason-file", reason])
        }
        r.assertFailure(77, "alone without the root key file")
        XCTAssertFalse(r.stdout.contains(Self.canary))
        try v.run(as: "lina", ["breakglass", "open", caseID, "--fields", "person.legal_name", "--minutes", "60", "--reason-code", "life-danger"])
            .assertFailure(65, "alone without a reason")
        XCTAssertEqual(try v.count("escrow_requests"), 0)
        XCTAssertEqual(try v.count("released_keys"), 0)
    }

    /// The `case.read` entries made under break-glass, each after the `breakglass.open` of its request.
    private func breakGlassReads(_ v: CLIVault) throws -> [String] {
        let entries = try logEntries(v)
        var opened = Set<String>()
        var reads: [String] = []
        for e in entries {
            if e.action == "breakglass.open", let r = e.detailValue("request") { opened.insert(r) }
            if e.action == "case.read", let r = e.detailValue("breakglass") {
                XCTAssertTrue(opened.contains(r), "a break-glass read before its opening")
                reads.append(r)
            }
        }
        return reads
    }

    /// Every released key belongs to a request whose `breakglass.open` entry is in the log.
    private func checkNoUnloggedRelease(_ v: CLIVault, round: Int) throws {
        let opened = Set(try logEntries(v).filter { $0.action == "breakglass.open" }.compactMap { $0.detailValue("request") })
        let released = try database(v).read { db in try String.fetchAll(db, sql: "SELECT DISTINCT request FROM released_keys") }
        for r in released { XCTAssertTrue(opened.contains(r), "round \(round): keys released for \(r) without its opening in the log") }
    }

    private func database(_ v: CLIVault) throws -> DatabaseQueue {
        var c = Configuration()
        c.readonly = true
        return try DatabaseQueue(path: v.vault + "/vault.sqlite", configuration: c)
    }

    private func logEntries(_ v: CLIVault) throws -> [LogEntry] {
        try database(v).read { db in try Data.fetchAll(db, sql: "SELECT entry FROM log_entries ORDER BY idx") }.map { try LogEntry.parse([UInt8]($0)) }
    }
}

/// A small seeded generator, so a failing run can be repeated exactly.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
