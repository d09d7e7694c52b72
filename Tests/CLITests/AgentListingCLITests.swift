@testable import CaseVaultCore
import Foundation
import GRDB
import SodiumKit
import XCTest

/// A listing through the agent of more cases than one transaction may re-run for: the openings
/// are announced in one request, so the list runs once and logs each opening once.
final class AgentListingCLITests: XCTestCase {
    func testListOfSixHundredCasesThroughTheAgentLogsEachOpeningOnce() throws {
        let v = try CLIVault()
        let runtime = v.cli.path("run")
        try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        v.cli.environment["XDG_RUNTIME_DIR"] = runtime
        defer { _ = try? v.cli.run(["lock"]) }
        setenv("CASEVAULT_TEST_INSECURE_KDF", "1", 1)  // the CLI vault's key files use the test KDF
        // The cases are written in-process (600 commands would take minutes); the list is the binary's.
        var pass = Array(try String(contentsOfFile: v.passFile, encoding: .utf8).trimmingCharacters(in: .newlines).utf8)
        let kari = try KeyFile.load(from: v.keyPath("kari"), passphrase: try SecureBytes(consuming: &pass))
        let writer = try Session(vault: try Vault.open(at: v.vault), identity: kari, command: "test")
        let count = 600
        for i in 0..<count { try writer.createCase(recordText: "case: {type: resident, opened: 2026-11-20}\nperson: {alias: Nr \(i)}") }
        let openingsBefore = try openings(in: v)

        try v.cli.run(["unlock", "--identity", v.keyPath("kari"), "--passphrase-file", v.passFile]).assertSuccess("unlock")
        let list = try v.cli.run(["-w", CLI.binary.path, "case", "list", "--json", "--vault", v.vault, "--identity", v.keyPath("kari")],
                                 executable: "/usr/bin/setsid")
        list.assertSuccess("list of \(count) cases through the agent")
        let listed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(listed.count, count)
        XCTAssertEqual(try openings(in: v) - openingsBefore, count, "one case.open per case, none repeated by a re-run transaction")

        // The second listing takes every case from the sealed index, which the agent opens only
        // after logging each case's opening: the same list, the same openings logged again.
        let index = v.keyPath("kari") + "." + (try Vault.open(at: v.vault)).vaultID.hex + ".list.index"
        let indexBytes = try XCTUnwrap(FileManager.default.contents(atPath: index))
        XCTAssertNil(indexBytes.range(of: Data("Nr 599".utf8)), "an alias lies on disk in clear")
        let openingsBetween = try openings(in: v)
        let again = try v.cli.run(["-w", CLI.binary.path, "case", "list", "--json", "--vault", v.vault, "--identity", v.keyPath("kari")],
                                  executable: "/usr/bin/setsid")
        again.assertSuccess("second list through the agent")
        let relisted = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(relisted.count, count)
        func canonical(_ rows: [[String: Any]]) throws -> Set<Data> { Set(try rows.map { try JSONSerialization.data(withJSONObject: $0, options: .sortedKeys) }) }
        XCTAssertEqual(try canonical(relisted), try canonical(listed))
        XCTAssertEqual(try openings(in: v) - openingsBetween, count, "the index's cases logged as opened by the agent")
        // Rebuilt, it would be sealed anew (another ephemeral key): unchanged, it was opened and used.
        XCTAssertEqual(FileManager.default.contents(atPath: index), indexBytes, "the index was used as it stood, not rebuilt")
    }

    private func openings(in v: CLIVault) throws -> Int {
        try DatabaseQueue(path: v.vault + "/vault.sqlite").read { db in
            try Data.fetchAll(db, sql: "SELECT entry FROM log_entries").compactMap { try? LogEntry.parse([UInt8]($0)) }
                .filter { $0.action == LogAction.caseOpen.rawValue }.count
        }
    }
}
