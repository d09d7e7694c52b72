import Foundation
import GRDB
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The centre root key file is separate from the leader's daily key file, and a passphrase can be
/// changed without ever leaving a half-written key file.
final class RootKeyCLITests: XCTestCase {
    func testTheLeadersDailyKeyFileCannotSignAndTheRootFileCan() throws {
        let v = try CLIVault(members: [("kari", "contact-person")])
        try v.newIdentity("nils")
        let add = ["member", "add", "--id", "nils", "--name", "Nils", "--role", "night-shift", "--public-key", v.publicLines["nils"]!,
                   "--fingerprint", v.fingerprints["nils"]!]
        let withoutRoot = try v.withoutRootKey { try v.run(as: "lina", add) }
        withoutRoot.assertError(77, "member add with the daily key file only", mentioning: "--root-key")
        try v.withoutRootKey { try v.run(as: "lina", add + ["--root-key", v.keyPath("kari"), "--root-passphrase-file", v.passFile]) }
            .assertError(65, "a member's key file as the root", mentioning: "not the centre root key file")
        let other = try CLIVault(members: [])
        let entriesBefore = try v.count("log_entries")
        try v.withoutRootKey { try v.run(as: "lina", add + ["--root-key", other.cli.path("root.key"), "--root-passphrase-file", v.passFile]) }
            .assertError(77, "another vault's root", mentioning: "not the centre root key of this vault")
        // Presenting another vault's root is an attempt on what the root signs: it is logged.
        XCTAssertEqual(try v.count("log_entries"), entriesBefore + 1)
        let last = try DatabaseQueue(path: v.vault + "/vault.sqlite").read { db in try Data.fetchOne(db, sql: "SELECT entry FROM log_entries ORDER BY idx DESC LIMIT 1") }
        let entry = String(decoding: last ?? Data(), as: UTF8.self)
        XCTAssertTrue(entry.contains("action access.denied\n") && entry.contains("member.add"), entry)
        try v.withoutRootKey { try v.run(as: "lina", add + ["--root-key", v.cli.path("root.key"), "--root-passphrase-file", v.passFile]) }
            .assertSuccess("member add with --root-key")
        // The daily key file does not even name the root key.
        let daily = try Data(contentsOf: URL(fileURLWithPath: v.keyPath("lina")))
        let root = try Data(contentsOf: URL(fileURLWithPath: v.cli.path("root.key")))
        XCTAssertNil(daily.range(of: root.subdata(in: 67..<99)), "the root's public key is not in lina.key")
        try v.cli.run(["identity", "show", v.cli.path("root.key")]).assertError(65, "identity show of the root file", mentioning: "centre root key file")
    }

    func testPassphraseChangeRefusesWeakOnesAndTheOldOneStopsWorking() throws {
        let v = try CLIVault(members: [("kari", "contact-person")])
        let key = v.keyPath("kari")
        let before = try Data(contentsOf: URL(fileURLWithPath: key))
        let weak = try v.cli.write("weak", "kort\n")
        let r = try v.cli.run(["identity", "passwd", key, "--passphrase-file", v.passFile, "--new-passphrase-file", weak])
        r.assertError(65, "weak new passphrase", mentioning: "at least 12")
        XCTAssertTrue(r.stderr.contains("casevault: hint: "), r.stderr)
        let wrongOld = try v.cli.write("wrong", "ikke det riktige passordet\n")
        let strong = try v.cli.write("new", "fjell tau melk sykkel\n")
        try v.cli.run(["identity", "passwd", key, "--passphrase-file", wrongOld, "--new-passphrase-file", strong])
            .assertError(77, "wrong current passphrase", mentioning: "wrong passphrase")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: key)), before, "refusals change nothing")

        try v.cli.run(["identity", "passwd", key, "--passphrase-file", v.passFile, "--new-passphrase-file", strong]).assertSuccess("passwd")
        try v.cli.run(["case", "list", "--vault", v.vault, "--identity", key, "--passphrase-file", v.passFile])
            .assertError(77, "old passphrase after the change", mentioning: "wrong passphrase")
        try v.cli.run(["case", "list", "--vault", v.vault, "--identity", key, "--passphrase-file", strong]).assertSuccess("new passphrase")
    }

    /// Killed at any moment, a passphrase change leaves the old file or the new one, whole.
    func testACrashMidChangeLeavesTheOldOrTheNewFileNeverNeither() throws {
        let v = try CLIVault(members: [("kari", "contact-person")])
        let key = v.keyPath("kari")
        let passes = [v.passFile, try v.cli.write("new", "fjell tau melk sykkel\n")]
        var current = 0
        var generator = SeededGenerator(seed: 0x5EED_CA5E)
        var outcomes = Set<String>()
        for round in 0..<24 {
            let p = Process()
            p.executableURL = CLI.binary
            p.arguments = ["identity", "passwd", key, "--passphrase-file", passes[current], "--new-passphrase-file", passes[1 - current]]
            p.environment = v.cli.environment
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(UInt32.random(in: 0...40_000, using: &generator))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let opens = passes.indices.filter { i in
                (try? v.cli.run(["identity", "passwd", key, "--passphrase-file", passes[i], "--new-passphrase-file", passes[i]]))?.status == 0
            }
            XCTAssertEqual(opens.count, 1, "round \(round): exactly one of the passphrases opens the file")
            if let now = opens.first { outcomes.insert(now == current ? "old" : "new"); current = now }
        }
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: v.cli.workdir.path).contains { $0.hasPrefix("kari.key.") && $0 != "kari.key.trust" && !$0.hasSuffix(".state") },
                       "no temporary file is left beside the key file")
        XCTAssertFalse(outcomes.isEmpty)
    }
}

/// A small deterministic generator (SplitMix64), so a failing round can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
