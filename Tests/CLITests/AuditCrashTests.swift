import CaseVaultCore
import CaseVaultSamples
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A process killed with SIGKILL at a random moment — between writing an entry and its
/// checkpoint, if the log were not written in one transaction — leaves a log that verifies and
/// no checkpoint inconsistent with one the witness already cosigned.
final class AuditCrashTests: XCTestCase {
    func testKilledWritersLeaveALogThatVerifies() throws {
        let v = try CLIVault()
        let caseID = try v.newCase(SampleCase.yaml)
        let state = v.cli.path("witness.state")
        var states: [String] = []
        var killed = 0
        var generator = SystemRandomNumberGenerator()

        for round in 0..<24 {
            // An update, killed after a random delay: before, during or after its transaction.
            // Each round adds its own note: the same entry added twice would be refused as a repeat.
            let patch = try v.cli.write("patch-\(round).yaml", "add:\n  notes: {date: 2026-11-25, text: \"Vakten ringte, runde \(round)\"}\n")
            let reason = try v.cli.write("reason-\(round)", "runde \(round)")
            let update = try spawn(["case", "update", caseID, patch, "--reason-file", reason] + v.as("kari"), v.cli)
            usleep(UInt32.random(in: 5_000...250_000, using: &generator))
            kill(update.processIdentifier, SIGKILL)
            update.waitUntilExit()
            if update.terminationReason == .uncaughtSignal { killed += 1 }

            // Every fourth round the witness runs too, and is itself killed at random half the time.
            if round % 4 == 3 {
                let witness = try spawn(["audit", "witness", "--state", state] + v.as("anne"), v.cli)
                if round % 8 == 7 {
                    usleep(UInt32.random(in: 5_000...200_000, using: &generator))
                    kill(witness.processIdentifier, SIGKILL)
                }
                witness.waitUntilExit()
                if FileManager.default.fileExists(atPath: state) {
                    // Keep each state the witness ever wrote: every one must stay consistent with the log.
                    let copy = v.cli.path("state-\(round)")
                    try? FileManager.default.removeItem(atPath: copy)
                    try FileManager.default.copyItem(atPath: state, toPath: copy)
                    states.append(copy)
                }
            }
        }
        XCTAssertGreaterThan(killed, 0, "no process was killed while running")
        print("AuditCrashTests: \(killed) of 24 updates killed while running; \(states.count) witness states kept")

        // The vault still works, the witness still accepts it, and the export verifies against every saved state.
        let another = try v.cli.write("patch-after.yaml", "add:\n  notes: {date: 2026-11-26, text: \"Vakten ringte igjen\"}\n")
        try v.run(as: "kari", ["case", "update", caseID, another]).assertSuccess("update after the crashes")
        try v.cli.run(["audit", "witness", "--state", state] + v.as("anne")).assertSuccess("witness after the crashes")
        let dir = v.cli.path("export")
        try v.cli.run(["audit", "export", dir] + v.as("anne")).assertSuccess("export")
        let verified = try v.cli.run(["audit", "verify", dir, "--root-fingerprint", v.rootFingerprint, "--since", state, "--witness-identity", v.keyPath("anne")])
        verified.assertSuccess("verify after the crashes")
        XCTAssertTrue(verified.stdout.contains("Uncheckpointed tail: none"), verified.stdout)
        for saved in states {
            try v.cli.run(["audit", "verify", dir, "--root-fingerprint", v.rootFingerprint, "--since", saved]).assertSuccess("verify --since \(saved)")
        }
    }

    /// Starts the binary without waiting for it.
    private func spawn(_ args: [String], _ cli: CLI) throws -> Process {
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = args
        p.currentDirectoryURL = cli.workdir
        p.environment = cli.environment
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return p
    }
}
