import CaseVaultCore
import CaseVaultSamples
import Foundation
import GRDB
import SodiumKit
import XCTest

/// `casevault audit …` through the built binary: exit codes, the one-line error naming the
/// first bad entry, and what the auditor's commands print.
final class AuditCLITests: XCTestCase {
    var v: CLIVault!
    var caseID: String!

    override func setUpWithError() throws {
        v = try CLIVault()
        caseID = try v.newCase(SampleCase.yaml)
        try v.addResident("rita", to: caseID)
        _ = try v.showJSON(caseID, as: "kari")
    }

    override func tearDown() { v = nil }

    func testExportThenVerifyOfflineAndTheFirstBadEntryNamed() throws {
        let dir = v.cli.path("export")
        let export = try v.cli.run(["audit", "export", dir] + v.as("anne"))
        export.assertSuccess("audit export")
        XCTAssertTrue(export.stdout.contains("Exported "), export.stdout)
        let fpr = try XCTUnwrap(export.stdout.split(separator: "\n").first { $0.hasPrefix("Centre root fingerprint: ") }).dropFirst(25)

        // Offline: no vault, no identity.
        let ok = try v.cli.run(["audit", "verify", dir, "--root-fingerprint", String(fpr)])
        ok.assertSuccess("audit verify")
        XCTAssertTrue(ok.stdout.hasSuffix("Verified.\n"), ok.stdout)
        XCTAssertTrue(ok.stdout.contains("(matches the fingerprint you gave)"), ok.stdout)
        XCTAssertTrue(ok.stdout.contains("Uncheckpointed tail: none"), ok.stdout)
        let json = try XCTUnwrap(try v.cli.run(["audit", "verify", dir, "--json", "--root-fingerprint", v.rootFingerprint]).json as? [String: Any])
        XCTAssertEqual(json["verified"] as? Bool, true)
        XCTAssertEqual(json["content_reads"] as? Int, 1)

        // An export cannot overwrite anything.
        try v.cli.run(["audit", "export", dir] + v.as("anne")).assertError(73, "export into an existing folder")

        // A signature byte changed in entry 9: exit 77, one line, the index named.
        let tampered = v.cli.path("tampered")
        try FileManager.default.copyItem(atPath: dir, toPath: tampered)
        var text = try String(contentsOfFile: tampered + "/entries", encoding: .utf8)
        let entry9 = try XCTUnwrap(text.range(of: "\nindex 9\n"))
        let sig = try XCTUnwrap(text.range(of: "\nsignature ", range: entry9.upperBound..<text.endIndex))
        let at = text.index(sig.upperBound, offsetBy: 10)
        text.replaceSubrange(at...at, with: text[at] == "A" ? "B" : "A")
        try text.write(toFile: tampered + "/entries", atomically: true, encoding: .utf8)
        let bad = try v.cli.run(["audit", "verify", tampered, "--root-fingerprint", v.rootFingerprint])
        bad.assertError(77, "tampered entry")
        XCTAssertEqual(bad.stderr, "casevault: error: entry 9: signature does not verify\n")
        XCTAssertEqual(bad.stdout, "")

        // A CRLF copy of the checkpoint is malformed input: exit 65.
        let crlf = v.cli.path("crlf")
        try FileManager.default.copyItem(atPath: dir, toPath: crlf)
        let note = try String(contentsOfFile: crlf + "/checkpoint", encoding: .utf8)
        try note.replacingOccurrences(of: "\n", with: "\r\n").write(toFile: crlf + "/checkpoint", atomically: true, encoding: .utf8)
        try v.cli.run(["audit", "verify", crlf, "--root-fingerprint", v.rootFingerprint]).assertError(65, "CRLF checkpoint", mentioning: "checkpoint: ")

        // The wrong root: a failed check.
        try v.cli.run(["audit", "verify", dir, "--root-fingerprint", "0000 0000 0000 0000 0000 0000 0000 0000"]).assertError(77, "wrong root")
        try v.cli.run(["audit", "verify", v.cli.path("nowhere")]).assertError(65, "no export")
    }

    func testWitnessSinceAndWitnessKey() throws {
        let state = v.cli.path("witness.state")
        let first = try v.cli.run(["audit", "witness", "--state", state] + v.as("anne"))
        first.assertSuccess("witness")
        let vkey = try XCTUnwrap(first.stdout.split(separator: "\n").first { $0.hasPrefix("Witness key: ") }).dropFirst(13)
        XCTAssertTrue(vkey.hasPrefix("casevault.invalid/witness/anne+"), String(vkey))
        _ = try v.showJSON(caseID, as: "rita")
        try v.cli.run(["audit", "witness", "--state", state, "--json"] + v.as("anne")).assertSuccess("witness again")
        try v.cli.run(["audit", "witness", "--state", state] + v.as("lina")).assertError(77, "a leader is not the witness")

        let dir = v.cli.path("export")
        try v.cli.run(["audit", "export", dir] + v.as("anne")).assertSuccess("export")
        let r = try v.cli.run(["audit", "verify", dir, "--root-fingerprint", v.rootFingerprint, "--since", state, "--witness-key", String(vkey), "--witness-identity", v.keyPath("anne")])
        r.assertSuccess("verify with witness")
        XCTAssertTrue(r.stdout.contains("Consistent with the earlier checkpoint of size"), r.stdout)
        XCTAssertTrue(r.stdout.contains("Cosignature: casevault.invalid/witness/anne on size"), r.stdout)
        try v.cli.run(["audit", "verify", dir, "--root-fingerprint", v.rootFingerprint, "--witness-key", "not-a-key"]).assertError(65, "bad vkey")
    }

    /// A cut after the newest cosignature passes every check, so the age of that cosignature and
    /// the entries after it are shown wherever the log is looked at.
    func testWitnessFreshnessShowsHowOldTheNewestCosignatureIsAndWhatCameAfter() throws {
        let info = { () throws -> [String: Any] in
            try XCTUnwrap((try self.v.cli.run(["vault", "info", "--vault", self.v.vault, "--json"]).json as? [String: Any])?["witness_freshness"] as? [String: Any])
        }
        XCTAssertTrue(try v.cli.run(["vault", "info", "--vault", v.vault]).stdout.contains("Witness freshness: no cosignature"))
        XCTAssertTrue(try info()["witness"] is NSNull)

        let witness = try v.cli.run(["audit", "witness", "--state", v.cli.path("w.state")] + v.as("anne"))
        witness.assertSuccess("witness")
        let vkey = try XCTUnwrap(witness.stdout.split(separator: "\n").first { $0.hasPrefix("Witness key: ") }).dropFirst(13)
        let cosigned = try info()
        XCTAssertEqual(cosigned["witness"] as? String, "casevault.invalid/witness/anne")
        let after = try XCTUnwrap(cosigned["entries_after"] as? Int)
        _ = try v.showJSON(caseID, as: "kari")
        XCTAssertGreaterThan(try XCTUnwrap(try info()["entries_after"] as? Int), after, "a read after the cosignature is not vouched for")
        let text = try v.cli.run(["vault", "info", "--vault", v.vault]).stdout
        XCTAssertTrue(text.contains("Witness freshness: newest cosignature by casevault.invalid/witness/anne on size "), text)
        XCTAssertTrue(text.contains(" old; ") && text.contains("could be cut unseen"), text)

        let dir = v.cli.path("export")
        try v.cli.run(["audit", "export", dir] + v.as("anne")).assertSuccess("export")
        let args = ["audit", "verify", dir, "--root-fingerprint", v.rootFingerprint, "--since", v.cli.path("w.state"), "--witness-key", String(vkey)]
        let r = try v.cli.run(args)
        r.assertSuccess("verify")
        XCTAssertTrue(r.stdout.contains("Witness freshness: newest cosignature by casevault.invalid/witness/anne"), r.stdout)
        let json = try XCTUnwrap((try v.cli.run(args + ["--json"]).json as? [String: Any])?["witness_freshness"] as? [String: Any])
        XCTAssertGreaterThan(try XCTUnwrap(json["entries_after"] as? Int), 0)
    }

    func testProveLogAndTheResidentsReport() throws {
        let proof = v.cli.path("entry.tlog-proof")
        try v.cli.run(["audit", "prove", "3", "--out", proof] + v.as("anne")).assertSuccess("prove")
        XCTAssertTrue(try String(contentsOfFile: proof, encoding: .utf8).hasPrefix("c2sp.org/tlog-proof@v1\nextra "))
        try v.cli.run(["audit", "prove", "3", "--out", proof] + v.as("anne")).assertError(73, "proof file exists")

        let log = try v.cli.run(["audit", "log", "--case", caseID, "--action", "case.read", "--since", "2000-01-01", "--json"] + v.as("anne"))
        log.assertSuccess("audit log")
        let rows = try XCTUnwrap(log.json as? [[String: Any]])
        XCTAssertEqual(rows.map { $0["actor"] as? String }, ["kari"])
        XCTAssertEqual(rows.first?["case"] as? String, caseID)
        let text = try v.cli.run(["audit", "log", "--actor", "kari"] + v.as("lina"))
        text.assertSuccess("audit log as leader")
        XCTAssertTrue(text.stdout.contains("case.create"), text.stdout)
        try v.cli.run(["audit", "log"] + v.as("kari")).assertError(77, "contact person searching the log")
        try v.cli.run(["audit", "log", "--since", "last tuesday"] + v.as("anne")).assertError(64, "bad date")

        let report = try v.cli.run(["audit", "for-case", caseID] + v.as("rita"))
        report.assertSuccess("for-case as the resident")
        XCTAssertTrue(report.stdout.hasPrefix("Innsynsrapport / Access report\n"), report.stdout)
        XCTAssertTrue(report.stdout.contains("Kari (kontaktperson): leste / read"), report.stdout)
        let json = try XCTUnwrap(try v.cli.run(["audit", "for-case", caseID, "--json"] + v.as("anne")).json as? [String: Any])
        XCTAssertEqual(json["case"] as? String, caseID)
        try v.cli.run(["audit", "for-case", caseID] + v.as("nils")).assertError(77, "night shift")
        try v.cli.run(["audit", "for-case", caseID] + v.as("karl")).assertError(66, "not the case's contact person")
    }

    func testACanaryInCaseDataNeverReachesWhatTheAuditorSeesOrTheLogRows() throws {
        let canary = "kanarifugl" + Hex.encode(Random.bytes(6))
        let record = SampleCase.yaml.replacingOccurrences(of: "Blåklokke", with: canary)
            .replacingOccurrences(of: "Lindeveien 14 B", with: "\(canary)veien 14 B")
            .replacingOccurrences(of: "Ola Fiktiv Voldsen", with: "Ola \(canary)")
        for (name, text) in [("ny", "ny \(canary)"), ("endret", "endret \(canary)"), ("lest", "lest \(canary)"), ("nekt", "nekt \(canary)")] {
            try v.cli.write(name, text)
        }
        let created = try v.run(as: "kari", ["case", "new", "-", "--json", "--reason-file", v.cli.path("ny")], stdin: record)
        created.assertSuccess("case new")
        let id = try XCTUnwrap((created.json as? [String: Any])?["case"] as? String)
        try v.run(as: "kari", ["case", "update", id, "-", "--reason-file", v.cli.path("endret")],
                  stdin: "add:\n  notes: {date: 2026-11-24, text: \"Notat \(canary)\"}\n").assertSuccess("case update")
        try v.run(as: "kari", ["case", "show", id, "--reason-file", v.cli.path("lest")]).assertSuccess("case show")
        _ = try v.run(as: "karl", ["case", "show", id, "--reason-file", v.cli.path("nekt")])

        let dir = v.cli.path("canary-export")
        var outputs: [CLI.Result] = []
        outputs.append(try v.cli.run(["audit", "witness", "--state", v.cli.path("w.state")] + v.as("anne")))
        outputs.append(try v.cli.run(["audit", "export", dir] + v.as("anne")))
        outputs.append(try v.cli.run(["audit", "verify", dir, "--root-fingerprint", v.rootFingerprint]))
        outputs.append(try v.cli.run(["audit", "verify", dir, "--json", "--root-fingerprint", v.rootFingerprint]))
        outputs.append(try v.cli.run(["audit", "log"] + v.as("anne")))
        outputs.append(try v.cli.run(["audit", "log", "--case", id, "--json"] + v.as("anne")))
        outputs.append(try v.cli.run(["audit", "for-case", id] + v.as("anne")))
        outputs.append(try v.cli.run(["audit", "for-case", id, "--json"] + v.as("anne")))
        outputs.append(try v.cli.run(["audit", "prove", "5", "--out", v.cli.path("p")] + v.as("anne")))
        for (i, o) in outputs.enumerated() {
            XCTAssertEqual(o.status, 0, "command \(i): \(o.stderr)")
            XCTAssertFalse((o.stdout + o.stderr).contains(canary), "command \(i) printed the canary")
        }
        XCTAssertFalse(try String(contentsOfFile: v.cli.path("p"), encoding: .utf8).contains(canary))
        for name in FileManager.default.enumerator(atPath: dir)!.compactMap({ $0 as? String }) {
            let data = FileManager.default.contents(atPath: dir + "/" + name) ?? Data()
            XCTAssertNil(data.range(of: Data(canary.utf8)), "export file \(name)")
        }
        var c = Configuration()
        c.readonly = true
        try DatabaseQueue(path: v.vault + "/vault.sqlite", configuration: c).read { db in
            for table in ["log_entries", "log_checkpoints", "log_cosignatures", "log_frontier", "log_reasons"] {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table)") {
                    for value in row.databaseValues {
                        let bytes: Data? = switch value.storage {
                        case let .blob(d): d
                        case let .string(s): Data(s.utf8)
                        default: nil
                        }
                        if let bytes { XCTAssertNil(bytes.range(of: Data(canary.utf8)), "\(table) holds the canary") }
                    }
                }
            }
        }
        // The canary is really in the vault, for those who may read it.
        XCTAssertTrue(try v.run(as: "kari", ["case", "show", id]).stdout.contains(canary))
    }
}
