@testable import CaseVaultAgent
@testable import CaseVaultCore
import CaseVaultSamples
import Foundation
import GRDB
import SodiumKit
import XCTest

/// A same-user process that talks to an unlocked agent's socket directly, with material taken
/// from the database: it gets no role seed and no member secret, and every case key it gets is
/// covered by a `case.open` entry in the vault's log.
final class AgentAttackCLITests: XCTestCase {
    var v: CLIVault!

    override func setUpWithError() throws {
        v = try CLIVault()
        let runtime = v.cli.path("run")
        try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        v.cli.environment["XDG_RUNTIME_DIR"] = runtime
    }

    override func tearDownWithError() throws {
        _ = try? v.cli.run(["lock"])
        v = nil
    }

    // MARK: The attacker's tools

    func connect() throws -> UnixSocket {
        try XCTUnwrap(try UnixSocket.connect(v.cli.path("run") + "/casevault-agent.sock"), "no agent")
    }

    /// One request, answered with (status, body).
    func ask(_ socket: UnixSocket, _ op: AgentWire.Operation, _ payload: [UInt8]) throws -> (status: UInt8, body: [UInt8]) {
        try socket.send([AgentWire.version, op.rawValue] + payload)
        let reply = try XCTUnwrap(try socket.receive())
        XCTAssertEqual(reply[0], AgentWire.version)
        return (reply[1], Array(reply[2...]))
    }

    func database() throws -> DatabaseQueue {
        var c = Configuration()
        c.readonly = true
        return try DatabaseQueue(path: v.vault + "/vault.sqlite", configuration: c)
    }

    /// Every blob in every table of the vault.
    func allBlobs() throws -> [[UInt8]] {
        try database().read { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
            return try tables.flatMap { t in
                try Row.fetchAll(db, sql: "SELECT * FROM \"\(t)\"").flatMap { row in
                    row.databaseValues.compactMap { value -> [UInt8]? in (Data.fromDatabaseValue(value)).map { [UInt8]($0) } }
                }
            }
        }
    }

    func openingsLogged(of caseHex: String, by member: String) throws -> Int {
        try database().read { db in
            try Data.fetchAll(db, sql: "SELECT entry FROM log_entries").compactMap { try? LogEntry.parse([UInt8]($0)) }
                .filter { $0.action == "case.open" && $0.caseID?.hex == caseHex && $0.actor == member }.count
        }
    }

    /// Nils's request for every key of `caseHex` he holds: his own envelopes and those of his role, with his sealed seeds.
    func nilsRequest(_ caseHex: String) throws -> CaseKeyRequest {
        let caseID = try CaseID(caseHex)
        return try database().read { db in
            let vaultID = try XCTUnwrap(VaultID(hex: try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'vault_id'") ?? ""))
            let bodies = try Data.fetchAll(db, sql: "SELECT body FROM case_versions WHERE case_id = ? ORDER BY version", arguments: [Data(caseID.bytes)])
            var items: [CaseKeyRequest.Item] = []
            for (i, body) in bodies.enumerated() {
                let version = try CaseVersion.decode([UInt8](body))
                for cls in version.classes {
                    for e in cls.envelopes where e.member == "nils" || e.member.hasPrefix("role:night-shift#") {
                        items.append(.init(ref: .init(generation: UInt64(i + 1), index: cls.index), format: version.format, commitment: cls.commitment,
                                           box: e.sealedKey, roleLabel: e.member == "nils" ? "" : e.member))
                    }
                }
            }
            var seeds: [CaseKeyRequest.RoleSeed] = []
            for row in try Row.fetchAll(db, sql: "SELECT key, epoch, sealed FROM role_key_wraps WHERE holder = 'nils' ORDER BY epoch DESC LIMIT 1") {
                let records = try Data.fetchAll(db, sql: "SELECT body FROM role_key_records WHERE key = ? AND epoch <= ? ORDER BY epoch",
                                                arguments: [row["key"] as String, row["epoch"] as Int64]).map { [UInt8]($0) }
                seeds.append(.init(wrap: [UInt8](row["sealed"] as Data), records: records))
            }
            return CaseKeyRequest(vaultDirectory: v.vault, vaultID: vaultID, caseID: caseID, items: items, roleSeeds: seeds)
        }
    }

    // MARK: The attack

    func testASameUserProcessGetsNoSeedAndNoUnloggedCaseKey() throws {
        let caseHex = try v.newCase(SampleCase.yaml, as: "kari")
        try v.cli.run(["unlock", "--identity", v.keyPath("nils"), "--passphrase-file", v.passFile]).assertSuccess("unlock nils")
        let socket = try connect()

        // Role-key wraps, envelopes, grants, escrow boxes, reasons: every 80-byte window of every
        // blob is a candidate sealed 32-byte secret. None comes out of the generic box requests.
        let wraps = try database().read { db in try Data.fetchAll(db, sql: "SELECT sealed FROM role_key_wraps WHERE holder = 'nils'") }.map { [UInt8]($0) }
        XCTAssertFalse(wraps.isEmpty, "nils holds the night-shift role key")
        for wrap in wraps {
            XCTAssertEqual(try ask(socket, .openSealedBox, wrap).status, AgentWire.Status.refused.rawValue, "a role seed came out")
            let proof = AgentWire.boxList([wrap, Random.bytes(24), Random.bytes(40), ReasonSeal.textAD])
            XCTAssertNotEqual(try ask(socket, .openSealedKey, proof).status, AgentWire.Status.ok.rawValue, "a role seed came out as a message key")
        }
        var windows: [[UInt8]] = []
        for blob in try allBlobs() where blob.count >= 80 {
            for at in 0...(blob.count - 80) { windows.append(Array(blob[at..<at + 80])) }
        }
        var opened = 0
        for start in stride(from: 0, to: windows.count, by: AgentWire.maxBoxesPerRequest) {
            let chunk = Array(windows[start..<min(start + AgentWire.maxBoxesPerRequest, windows.count)])
            let r = try ask(socket, .openSealedBoxes, AgentWire.boxList(chunk))
            if r.status == AgentWire.Status.refused.rawValue { opened += 1; continue }
            XCTAssertEqual(r.status, AgentWire.Status.ok.rawValue)
            let answers = try AgentClient.Opener.answers(try SecureBytes(copying: r.body.withUnsafeBytes { $0 }), count: chunk.count)
            XCTAssertFalse(answers.contains { $0?.count == 32 }, "a 32-byte secret came out of a generic box")
        }
        XCTAssertGreaterThan(opened, 0, "some windows were seeds or keys sealed to nils, and were withheld")

        // The case's keys through the case request: refused until the agent has logged the opening.
        let request = try nilsRequest(caseHex)
        XCTAssertFalse(request.items.isEmpty)
        XCTAssertEqual(try ask(socket, .openCaseKeys, request.encoded()).status, AgentWire.Status.unlogged.rawValue)
        XCTAssertEqual(try openingsLogged(of: caseHex, by: "nils"), 0)
        // A forged case.open entry is not signed for the attacker.
        let forged = LogEntry.signatureDomain + Array("casevault-log-entry v1\naction case.open\n".utf8)
        XCTAssertEqual(try ask(socket, .sign, forged).status, AgentWire.Status.refused.rawValue)
        // The same request with the role wrap posing as a class key, or with another vault's id: nothing.
        var disguised = request
        disguised.items = wraps.map { .init(ref: .init(generation: 1, index: 0), format: 2, commitment: request.items[0].commitment, box: $0, roleLabel: "") }
        var elsewhere = request
        elsewhere.vaultID = VaultID.random()
        XCTAssertEqual(try ask(socket, .openCaseKeys, elsewhere.encoded()).status, AgentWire.Status.refused.rawValue)

        // Asking the agent to log the opening works, and only then do keys come: each one logged.
        let opening = AgentWire.boxList([Array(v.vault.utf8), Array(caseHex.utf8)])
        XCTAssertEqual(try ask(socket, .logCaseOpening, opening).status, AgentWire.Status.ok.rawValue)
        XCTAssertEqual(try openingsLogged(of: caseHex, by: "nils"), 1)
        let r = try ask(socket, .openCaseKeys, request.encoded())
        XCTAssertEqual(r.status, AgentWire.Status.ok.rawValue)
        let keys = try AgentClient.Opener.caseKeys(try SecureBytes(copying: r.body.withUnsafeBytes { $0 }), count: request.items.count)
        XCTAssertFalse(keys.compactMap { $0 }.isEmpty, "the logged opening releases nils's class keys")
        for (item, key) in zip(request.items, keys) {
            if let key { XCTAssertTrue(request.matches(key, item), "only class keys of this case come out") }
        }
        let d = try ask(socket, .openCaseKeys, disguised.encoded())
        XCTAssertEqual(d.status, AgentWire.Status.ok.rawValue)
        XCTAssertTrue(try AgentClient.Opener.caseKeys(try SecureBytes(copying: d.body.withUnsafeBytes { $0 }), count: wraps.count).allSatisfy { $0 == nil },
                      "a role wrap posing as a class key is withheld")
        XCTAssertEqual(try ask(socket, .deriveSubkey, Array("another purpose".utf8)).status, AgentWire.Status.refused.rawValue)

        // And the member's own command still reads the case through the agent, its opening logged.
        let show = try v.cli.run(["-w", CLI.binary.path, "case", "show", caseHex, "--vault", v.vault, "--identity", v.keyPath("nils")],
                                 executable: "/usr/bin/setsid")
        show.assertSuccess("case show through the agent")
        XCTAssertGreaterThanOrEqual(try openingsLogged(of: caseHex, by: "nils"), 1)
        // The agent's own entries are ordinary log entries to the auditor.
        let dir = v.cli.path("export")
        try v.cli.run(["audit", "export", dir] + v.as("anne")).assertSuccess("export")
        try v.cli.run(["audit", "verify", dir, "--root-fingerprint", v.rootFingerprint]).assertSuccess("verify a log with case.open entries")
    }
}
