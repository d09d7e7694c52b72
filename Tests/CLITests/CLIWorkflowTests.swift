import CaseVaultCore
import CaseVaultSamples
import Foundation
import XCTest

/// The built `casevault` binary, driven as a user would: init, identities, members, cases,
/// assignments, updates, history and listing, with the documented JSON shapes.
final class CLIWorkflowTests: XCTestCase {
    /// The tests drive the binary built alongside them, not some other build's.
    func testRunsTheBinaryFromThisBuild() throws {
        let binary = CLI.binary
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: binary.path), binary.path)
        if ProcessInfo.processInfo.environment["CASEVAULT_BINARY"] == nil, let runner = ProcessInfo.processInfo.arguments.first,
           runner.hasSuffix(".xctest") {
            XCTAssertEqual(binary.deletingLastPathComponent().standardizedFileURL.path,
                           URL(fileURLWithPath: runner).resolvingSymlinksInPath().deletingLastPathComponent().standardizedFileURL.path)
        }
    }

    func testInitPrintsTheRootFingerprintAndCreatesTheKeyFile() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let pass = try cli.write("pass", "riktig hest batteri stift\n")
        let r = try cli.run(["init", "--vault", cli.path("v"), "--centre", "Krisesenteret Nord", "--leader-id", "lina", "--leader-name", "Lina Leder",
                             "--key-out", cli.path("lina.key"), "--passphrase-file", pass,
                             "--root-key-out", cli.path("root.key"), "--root-passphrase-file", pass, "--test-vault"])
        r.assertSuccess("init")
        XCTAssertTrue(r.stdout.contains("Centre root fingerprint: "), r.stdout)
        XCTAssertTrue(r.stdout.contains("(test vault)"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: cli.path("v/vault.sqlite")))
        XCTAssertTrue(FileManager.default.fileExists(atPath: cli.path("v/Keys/keyring.txt")))
        let attrs = try FileManager.default.attributesOfItem(atPath: cli.path("lina.key"))
        XCTAssertEqual((attrs[.posixPermissions] as? NSNumber)?.intValue, 0o600)

        let show = try cli.run(["identity", "show", cli.path("lina.key"), "--json"])
        show.assertSuccess("identity show")
        let json = try XCTUnwrap(show.json as? [String: Any])
        XCTAssertEqual(Set(json.keys), ["file", "public_identity", "fingerprint"])
        XCTAssertTrue((json["public_identity"] as? String)?.hasPrefix("casevault-identity-v1 ") ?? false)
        XCTAssertTrue(r.stdout.contains(json["fingerprint"] as! String), "init names the leader's fingerprint")

        // A second init over the same vault is refused and leaves no new key file behind.
        let again = try cli.run(["init", "--vault", cli.path("v"), "--centre", "X", "--leader-id", "lina", "--leader-name", "L",
                                 "--key-out", cli.path("other.key"), "--passphrase-file", pass,
                                 "--root-key-out", cli.path("other-root.key"), "--root-passphrase-file", pass])
        again.assertError(73, "init over an existing vault")
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.path("other.key")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.path("other-root.key")))
    }

    func testMembersAreAddedWithFingerprintConfirmation() throws {
        let v = try CLIVault(members: [("kari", "contact-person")])
        try v.newIdentity("nils")
        let before = try v.contentDigest()
        let wrong = String(v.fingerprints["nils"]!.reversed())
        try v.addMember("nils", roles: ["night-shift"], fingerprint: wrong).assertError(77, "wrong fingerprint", mentioning: "fingerprint")
        try v.addMember("nils", roles: ["night-shift"], fingerprint: v.fingerprints["kari"]).assertError(77, "another member's fingerprint")
        XCTAssertEqual(try v.contentDigest(), before, "a refused member add leaves the roster unchanged")

        // People read fingerprints aloud: case and spacing do not matter.
        let spoken = v.fingerprints["nils"]!.uppercased().replacingOccurrences(of: " ", with: "")
        try v.addMember("nils", roles: ["night-shift"], fingerprint: spoken).assertSuccess("fingerprint without spaces, upper case")

        // The public key may also come from a file.
        try v.newIdentity("anne")
        let keyFile = try v.cli.write("anne.pub", v.publicLines["anne"]! + "\n")
        let r = try v.cli.run(["member", "add", "--id", "anne", "--name", "Anne", "--role", "auditor", "--public-key", "@" + keyFile,
                               "--fingerprint", v.fingerprints["anne"]!] + v.as("lina"))
        r.assertSuccess("public key from @FILE")

        let list = try v.run(as: "kari", ["member", "list", "--json"])
        list.assertSuccess("member list")
        let json = try XCTUnwrap(list.json as? [String: Any])
        XCTAssertEqual(json["roster_serial"] as? Int, 4)
        let entries = try XCTUnwrap(json["entries"] as? [[String: Any]])
        XCTAssertEqual(entries.map { $0["id"] as? String }, ["lina", "kari", "nils", "anne"])
        XCTAssertEqual(entries[2]["roles"] as? [String], ["night-shift"])
        XCTAssertEqual(entries[2]["fingerprint"] as? String, v.fingerprints["nils"])
        XCTAssertTrue(entries[2]["revoked"] is NSNull)
        XCTAssertEqual(Set(entries[0].keys), ["id", "kind", "name", "roles", "fingerprint", "added", "revoked"])

        // Only the holder of the centre root key changes the roster.
        try v.newIdentity("karl")
        let byKari = try v.withoutRootKey {
            try v.cli.run(["member", "add", "--id", "karl", "--name", "Karl", "--role", "contact-person", "--public-key", v.publicLines["karl"]!,
                           "--fingerprint", v.fingerprints["karl"]!] + v.as("kari"))
        }
        byKari.assertError(77, "member add by a contact person")
    }

    func testCaseLifecycle() throws {
        let v = try CLIVault()
        // From a file, and from stdin.
        let file = try v.cli.write("case.yaml", SampleCase.yaml)
        let fromFile = try v.run(as: "kari", ["case", "new", file])
        fromFile.assertSuccess("case new FILE")
        let created = try XCTUnwrap(fromFile.stdout.range(of: #"[0-9a-f]{20}"#, options: .regularExpression).map { String(fromFile.stdout[$0]) })
        XCTAssertTrue(fromFile.stdout.hasPrefix("Created case \(created) (version 1)"), fromFile.stdout)
        let id = try v.newCase(SampleCase.yaml)
        XCTAssertNotEqual(id, created, "case ids are random")

        // The JSON shape of `case show`.
        let shown = try v.showJSON(id, as: "kari")
        XCTAssertEqual(Set(shown.keys), ["case", "version", "author", "updated", "assigned", "fields", "sealed_fields"])
        XCTAssertEqual(shown["case"] as? String, id)
        XCTAssertEqual(shown["version"] as? Int, 1)
        XCTAssertEqual(shown["author"] as? String, "kari")
        XCTAssertNotNil((shown["updated"] as? String)?.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"#, options: .regularExpression))
        XCTAssertEqual(shown["assigned"] as? [[String: String]], [["member": "kari", "role": "contact-person"]])
        XCTAssertEqual(shown["sealed_fields"] as? [String], [])
        let fields = try XCTUnwrap(shown["fields"] as? [String: Any])
        XCTAssertEqual(fields["person.national_id"] as? String, SampleCase.adultNationalID)
        XCTAssertEqual(fields["case.phase"] as? Int, 2)
        XCTAssertEqual(fields["person.interpreter"] as? Bool, false)
        XCTAssertEqual(fields["threats[0].perpetrators[0].avoid_areas"] as? [String], ["Sentrum øst", "Bryggeområdet"])
        XCTAssertEqual(fields["address.new"] as? String, "Lindeveien 14 B, 3. etasje, 0000 Nyby")

        // The text form: Norwegian labels, grouped by section.
        let text = try v.run(as: "kari", ["case", "show", id])
        text.assertSuccess("case show")
        XCTAssertTrue(text.stdout.hasPrefix("Sak \(id)  versjon 1"), text.stdout)
        XCTAssertTrue(text.stdout.contains("fødselsnummer / D-nummer: \(SampleCase.adultNationalID)"))
        XCTAssertTrue(text.stdout.contains("trusselbilde 1 › voldsutøver 1"))

        // Assign the child contact; she reads her part and is told the rest is sealed.
        let assign = try v.run(as: "kari", ["case", "assign", id, "--member", "cecilie", "--as", "child-contact"])
        assign.assertSuccess("case assign")
        XCTAssertTrue(assign.stdout.contains("version 2"), assign.stdout)
        let cecilie = try v.showJSON(id, as: "cecilie")
        let cf = try XCTUnwrap(cecilie["fields"] as? [String: Any])
        XCTAssertEqual(cf["children[0].child_welfare_notice"] as? Bool, true)
        XCTAssertNil(cf["address.new"])
        XCTAssertTrue((cecilie["sealed_fields"] as? [String])?.contains("address.new") ?? false)
        let cecilieText = try v.run(as: "cecilie", ["case", "show", id]).stdout
        XCTAssertFalse(cecilieText.contains("Lindeveien"), "a sealed value never reaches stdout")
        XCTAssertFalse(cecilieText.contains(SampleCase.adultNationalID))
        XCTAssertTrue(cecilieText.contains("Ikke synlig for deg"))

        // Updates: from a file by the contact person, and a note from the night shift on stdin.
        let patch = try v.cli.write("patch.yaml", "set: {case.status: on-hold, person.language: no}\n")
        let up = try v.run(as: "kari", ["case", "update", id, patch])
        up.assertSuccess("case update")
        XCTAssertTrue(up.stdout.contains("version 3"), up.stdout)
        let note = try v.run(as: "nils", ["case", "update", id, "-", "--json"], stdin: "add: {notes: {date: 2026-11-25, text: Ringte kl. 02.10}}")
        note.assertSuccess("night-shift note")
        XCTAssertEqual((note.json as? [String: Any])?["version"] as? Int, 4)
        let after = try XCTUnwrap(try v.showJSON(id, as: "kari")["fields"] as? [String: Any])
        XCTAssertEqual(after["person.language"] as? String, "no")
        XCTAssertEqual(after["notes[2].text"] as? String, "Ringte kl. 02.10")
        XCTAssertEqual(after["notes[0].text"] as? String, "Innkomstsamtale gjennomført.")
        let nilsView = try v.showJSON(id, as: "nils")
        XCTAssertNil((nilsView["fields"] as? [String: Any])?["notes[2].text"], "the night shift cannot read its note back")

        // History: who, when, which paths; no content.
        let history = try v.run(as: "nils", ["case", "history", id, "--json"])
        history.assertSuccess("case history")
        let versions = try XCTUnwrap(history.json as? [[String: Any]])
        XCTAssertEqual(versions.map { $0["version"] as? Int }, [1, 2, 3, 4])
        XCTAssertEqual(versions.map { $0["author"] as? String }, ["kari", "kari", "kari", "nils"])
        XCTAssertEqual(Set(versions[0].keys), ["version", "author", "created", "written", "removed", "assigned"])
        XCTAssertEqual(versions[2]["written"] as? [String], ["case.status", "person.language"])
        XCTAssertEqual(versions[3]["written"] as? [String], ["notes[2].date", "notes[2].text"])
        XCTAssertFalse(history.stdout.contains("Ringte"))
        let historyText = try v.run(as: "kari", ["case", "history", id])
        historyText.assertSuccess("case history text")
        XCTAssertEqual(historyText.stdout.split(separator: "\n").count, 4)

        // Listing: the night shift reaches both cases and glances at alias, phase and status.
        let list = try v.run(as: "nils", ["case", "list", "--json"])
        list.assertSuccess("case list")
        let rows = try XCTUnwrap(list.json as? [[String: Any]])
        XCTAssertEqual(Set(rows.compactMap { $0["case"] as? String }), [id, created])
        let row = try XCTUnwrap(rows.first { $0["case"] as? String == id })
        XCTAssertEqual(Set(row.keys), ["case", "version", "updated", "assigned", "fields"])
        let glance = try XCTUnwrap(row["fields"] as? [String: Any])
        XCTAssertEqual(Set(glance.keys), ["person.alias", "case.phase", "case.status"])
        XCTAssertEqual(glance["person.alias"] as? String, "Blåklokke")
        XCTAssertEqual(glance["case.phase"] as? Int, 2)
        XCTAssertEqual(glance["case.status"] as? String, "on-hold")
        // Karl is not assigned: no case at all, and "not found" for a direct look.
        let karlList = try v.run(as: "karl", ["case", "list", "--json"])
        XCTAssertEqual((karlList.json as? [Any])?.count, 0)
        try v.run(as: "karl", ["case", "show", id]).assertError(66, "unassigned contact person")
        try v.run(as: "anne", ["case", "show", id]).assertError(66, "auditor")
        let karlText = try v.run(as: "karl", ["case", "list"])
        XCTAssertTrue(karlText.stdout.contains("No cases"), karlText.stdout)
    }

    func testAssignmentErrors() throws {
        let v = try CLIVault()
        let id = try v.newCase("case: {type: resident, opened: 2026-11-20}\nperson: {alias: Blåklokke}\nchildren: [{alias: Maur}]")
        try v.run(as: "kari", ["case", "assign", id, "--member", "nils", "--as", "child-contact"]).assertError(65, "member without the role")
        try v.run(as: "kari", ["case", "assign", id, "--member", "nils", "--as", "night-shift"]).assertError(64, "a centre-wide role", mentioning: "--as must be one of")
        try v.run(as: "kari", ["case", "assign", id, "--member", "nobody", "--as", "contact-person"]).assertError(66, "unknown member")
        try v.run(as: "kari", ["case", "assign", id, "--member", "kari", "--as", "contact-person"]).assertError(65, "already assigned")
        try v.run(as: "kari", ["case", "assign", id, "--member", "cecilie", "--as", "bestemor"]).assertError(64, "unknown role")
        try v.run(as: "nils", ["case", "assign", id, "--member", "karl", "--as", "contact-person"]).assertError(77, "night shift assigning")
        try v.run(as: "kari", ["case", "assign", id, "--member", "karl", "--as", "contact-person"]).assertSuccess("assign karl")
        try v.run(as: "karl", ["case", "assign", id, "--member", "kari", "--as", "contact-person", "--remove"]).assertSuccess("karl unassigns kari")
        try v.run(as: "kari", ["case", "show", id]).assertError(66, "kari no longer assigned")
    }

    func testRevokedMemberIsRefused() throws {
        let v = try CLIVault()
        let id = try v.newCase("case: {type: resident, opened: 2026-11-20}\nperson: {alias: Blåklokke}")
        let revoke = try v.cli.run(["member", "revoke", "karl"] + v.as("lina"))
        revoke.assertSuccess("member revoke")
        try v.run(as: "karl", ["case", "list"]).assertError(77, "revoked member")
        try v.cli.run(["member", "revoke", "lina"] + v.as("lina")).assertError(73, "last leader")
        let list = try XCTUnwrap(try v.run(as: "kari", ["member", "list", "--json"]).json as? [String: Any])
        let karl = try XCTUnwrap((list["entries"] as? [[String: Any]])?.first { $0["id"] as? String == "karl" })
        XCTAssertTrue(karl["revoked"] is String)
        try v.run(as: "kari", ["case", "show", id]).assertSuccess("others unaffected")
    }
}
