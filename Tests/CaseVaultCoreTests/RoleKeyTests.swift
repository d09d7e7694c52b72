import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import GRDB
import SodiumKit
import XCTest

// Centre-wide role keys: a night-shift member added after the cases were written reads them at
// once, with no case rewritten; a revoked one opens nothing sealed to a later epoch; tampered
// records, seed wraps and chains are refused. The attacks go around the library to the database.
final class RoleKeyTests: XCTestCase {
    static let record = """
        case: {type: resident, opened: 2026-11-20}
        person: {alias: Blåklokke}
        measures:
          - {type: contact-ban, decided_by: påtalemyndigheten, valid_from: 2026-10-15, valid_to: 2027-10-15, renewal_due: 2027-09-15}
        safety: {do_not_admit: [Ola Fiktiv]}

        """
    static let nightShiftPaths = ["person.alias", "measures[0].type", "safety.do_not_admit"]

    // MARK: Added after the cases: reads at once, nothing rewritten

    func testNightShiftAddedAfterAThousandCasesReadsThemAllWithoutARewrite() throws {
        let t = try TestVault()
        let ids = try writeCases(t, count: 1000)
        let raw = try RawDatabase(t)
        let before = try raw.count("case_versions")
        XCTAssertEqual(before, 1000)
        let vera = try addMember(t, "vera", roles: [.nightShift])
        XCTAssertEqual(try raw.count("case_versions"), before, "adding a member rewrote cases")
        // One envelope per class for the night shift, whoever holds the role, and none of the member's own.
        let latest = try raw.latest(ids[0])
        XCTAssertTrue(latest.classes.allSatisfy { c in !c.envelopes.contains { $0.member == "vera" || $0.member == "nils" } })
        XCTAssertTrue(latest.classes.contains { c in c.envelopes.contains { $0.member == "role:night-shift#1" } })
        // Direct core calls: verify and open every case as vera, role seed unwrapped once.
        let state = try t.vault.state()
        let reader = try XCTUnwrap(state.roster.entry("vera"))
        let keyring = try t.vault.read { db in try RoleKeyring.unlock(db, vault: t.vault, state: state, reader: reader, opener: vera.boxKey) }
        let opener = Opener(vaultID: t.vault.vaultID, roster: state.roster, policies: state.policies, rosters: state.rosters.map(\.roster), now: t.clock.now())
        for id in ids {
            let stored = try t.vault.read { db in try db.caseVersions(id) }
            let opened = try opener.open(try opener.verifyChain(stored, caseID: id), caseID: id, reader: reader, key: vera.boxKey, roleKeys: keyring)
            for path in Self.nightShiftPaths { XCTAssertNotNil(opened.fields[path], "case \(id): \(path) sealed from vera") }
            XCTAssertEqual(opened.fields["person.alias"], .text("Blåklokke"))
        }
        // And through a session, as the CLI does.
        let shown = try t.session("vera").showCase(ids[999])
        XCTAssertEqual(Set(Self.nightShiftPaths).subtracting(shown.fields.keys), [])
    }

    // MARK: Revocation starts a new epoch

    func testRevokedNightShiftOpensNoEnvelopeOfALaterEpoch() throws {
        let t = try TestVault()
        let before = try t.session("kari").createCase(recordText: Self.record)
        _ = try t.session("lina").revoke(id: "nils", kind: .member)
        let after = try t.session("kari").createCase(recordText: Self.record)
        let raw = try RawDatabase(t)
        XCTAssertTrue(try raw.latest(after).classes.contains { c in c.envelopes.contains { $0.member == "role:night-shift#2" } })
        // nils, with his own key and a copy of the database: every wrap addressed to him.
        let nils = t.identity("nils")
        var seeds: [SecureBytes] = []
        for sealed in try raw.seedWraps(holder: "nils") { seeds.append(try SealedBox.open(sealed, with: nils.boxKey)) }
        XCTAssertEqual(seeds.count, 1, "nils was sealed a seed after his revocation")
        let roleKey = try BoxSecretKey(seed: seeds[0])
        // Control: his old seed opens the version written before his revocation...
        XCTAssertTrue(try Self.roleEnvelopes(raw.decoded(before)[0]).contains { (try? SealedBox.open($0, with: roleKey)) != nil })
        // ...and no envelope of the case written after it, nor of that case's head once a
        // reader has re-sealed it (the revocation made it stale), nor any member envelope.
        _ = try t.session("kari").showCase(before)
        XCTAssertGreaterThan(try raw.latest(before).version, 1, "the revocation left the earlier case as it was")
        for box in try Self.allEnvelopes(raw.latest(after)) + Self.allEnvelopes(raw.latest(before)) {
            XCTAssertThrowsError(try SealedBox.open(box, with: roleKey))
            XCTAssertThrowsError(try SealedBox.open(box, with: nils.boxKey))
        }
        // A member added later reads both epochs: epoch 2 directly, epoch 1 through the chain.
        _ = try addMember(t, "vera", roles: [.nightShift])
        for id in [before, after] { XCTAssertNotNil(try t.session("vera").showCase(id).fields["safety.do_not_admit"]) }
    }

    func testPolicyTakingARoleOutOfCentreWideScopeRotatesItsKey() throws {
        let t = try TestVault()
        let narrowed = Policy.defaultYAML.replacingOccurrences(of: "serial: 1\n", with: "serial: 2\n")
            .replacingOccurrences(of: "centre-wide: [night-shift, leader]", with: "centre-wide: [leader]")
            .replacingOccurrences(of: "case-assigned: [contact-person,", with: "case-assigned: [night-shift, contact-person,")
        _ = try t.session("lina").installPolicy(bytes: Array(narrowed.utf8))
        XCTAssertEqual(try t.vault.state().roleKeys.newest(.nightShift)?.epoch, 2)
        let widened = Policy.defaultYAML.replacingOccurrences(of: "serial: 1\n", with: "serial: 3\n")
        _ = try t.session("lina").installPolicy(bytes: Array(widened.utf8))
        XCTAssertEqual(try t.vault.state().roleKeys.newest(.nightShift)?.epoch, 3)
        let id = try t.session("kari").createCase(recordText: Self.record)
        XCTAssertNotNil(try t.session("nils").showCase(id).fields["person.alias"])
    }

    func testRootBoxKeyIsDerivedFromTheRootAndPublishedInEveryRecord() throws {
        let t = try TestVault()
        let root = try XCTUnwrap(t.leader.centreRootKey)
        let derived = try RoleKeys.rootBoxKey(root)
        XCTAssertEqual(derived.publicKey, try RoleKeys.rootBoxKey(root).publicKey)
        for (_, records) in try t.vault.state().roleKeys.records { for r in records { XCTAssertEqual(r.rootBoxKey, derived.publicKey) } }
        XCTAssertNotEqual(try RoleKeys.rootBoxKey(try SigningSecretKey.generate()).publicKey, derived.publicKey)
    }

    // MARK: Tampering

    func testTamperedRecordIsRefused() throws {
        let t = try TestVault()
        let id = try t.session("kari").createCase(recordText: Self.record)
        let raw = try RawDatabase(t)
        var body = try raw.recordBody("role:night-shift", epoch: 1)
        body[body.count - 40] ^= 1  // inside the public key
        try raw.execute("UPDATE role_key_records SET body = ? WHERE key = 'role:night-shift' AND epoch = 1", [Data(body)])
        assertAuthFailure(try t.session("nils").showCase(id))
        assertAuthFailure(try t.session("kari").createCase(recordText: Self.record))
    }

    func testRecordSignedByAnotherKeyIsRefused() throws {
        let t = try TestVault()
        let id = try t.session("kari").createCase(recordText: Self.record)
        let raw = try RawDatabase(t)
        let body = try raw.recordBody("role:night-shift", epoch: 1)
        let forger = try SigningSecretKey.generate()
        try raw.execute("UPDATE role_key_records SET signature = ? WHERE key = 'role:night-shift' AND epoch = 1",
                        [Data(forger.signature(for: RoleKeyRecord.signatureDomain + body))])
        assertAuthFailure(try t.session("nils").showCase(id))
    }

    func testTamperedOrSubstitutedSeedWrapIsRefused() throws {
        let t = try TestVault()
        let id = try t.session("kari").createCase(recordText: Self.record)
        let raw = try RawDatabase(t)
        var sealed = try XCTUnwrap(raw.seedWraps(holder: "nils").first)
        sealed[60] ^= 1
        try raw.execute("UPDATE role_key_wraps SET sealed = ? WHERE holder = 'nils'", [Data(sealed)])
        assertAuthFailure(try t.session("nils").showCase(id))
        // A well-formed wrap of another seed (whoever wrote it) does not derive the signed key.
        let other = try SealedBox.seal(try SecureBytes.random(count: 32), to: t.identity("nils").publicIdentity.boxKey)
        try raw.execute("UPDATE role_key_wraps SET sealed = ? WHERE holder = 'nils'", [Data(other)])
        assertAuthFailure(try t.session("nils").showCase(id))
    }

    func testTamperedChainIsRefused() throws {
        let t = try TestVault()
        let id = try t.session("kari").createCase(recordText: Self.record)  // epoch 1
        _ = try t.session("lina").revoke(id: "nils", kind: .member)       // epoch 2
        _ = try addMember(t, "vera", roles: [.nightShift])                  // wrap of epoch 2 only
        XCTAssertNotNil(try t.session("vera").showCase(id).fields["person.alias"])
        // The root itself re-signs epoch 2 with another seed under `prev`: the chain check, not the signature, refuses it.
        let raw = try RawDatabase(t)
        var record = try RoleKeyRecord.decode(try raw.recordBody("role:night-shift", epoch: 2))
        let seed2 = try SealedBox.open(try XCTUnwrap(raw.seedWraps(holder: "vera").first), with: t.identity("vera").boxKey)
        record.prev = try RoleKeys.sealPrevious(try SecureBytes.random(count: 32), under: seed2, vault: t.vault.vaultID, role: .nightShift, epoch: 2)
        let root = try XCTUnwrap(t.leader.centreRootKey)
        try raw.execute("UPDATE role_key_records SET body = ?, signature = ? WHERE key = 'role:night-shift' AND epoch = 2",
                        [Data(record.encoded()), Data(record.signature(by: root))])
        assertAuthFailure(try t.session("vera").showCase(id))
        record.prev[30] ^= 1
        try raw.execute("UPDATE role_key_records SET body = ?, signature = ? WHERE key = 'role:night-shift' AND epoch = 2",
                        [Data(record.encoded()), Data(record.signature(by: root))])
        assertAuthFailure(try t.session("vera").showCase(id))
    }

    func testDeletedNewestEpochIsRefusedForSealing() throws {
        let t = try TestVault()
        _ = try t.session("lina").revoke(id: "nils", kind: .member)  // epoch 2
        let raw = try RawDatabase(t)
        try raw.execute("DELETE FROM role_key_wraps WHERE key = 'role:night-shift' AND epoch = 2")
        try raw.execute("DELETE FROM role_key_records WHERE key = 'role:night-shift' AND epoch = 2")
        // Sealing to epoch 1, which nils holds, would hand him what is written next.
        assertAuthFailure(try t.session("kari").createCase(recordText: Self.record))
    }

    // MARK: Helpers

    /// Writes `count` cases as kari in one transaction, straight through the sealer (no log
    /// entries): the quickest way to a vault with many cases.
    private func writeCases(_ t: TestVault, count: Int) throws -> [CaseID] {
        let fields = try RecordParser(allowSyntheticIDs: true).parseRecord(Self.record).fields
        let kari = t.identity("kari")
        return try t.vault.write { db in
            let state = try t.vault.loadState(db)
            let author = try XCTUnwrap(state.roster.entry("kari"))
            return try (0..<count).map { _ in
                let id = CaseID.random()
                let sealed = try Sealer(vaultID: t.vault.vaultID, caseID: id, version: 1, parentHash: [UInt8](repeating: 0, count: 32), author: author,
                                        created: t.clock.now(), roster: state.roster, policy: state.policy,
                                        assignments: [.init(member: "kari", role: Role.contactPerson.rawValue)], roleKeys: state)
                    .seal(fresh: fields, carried: [], written: Array(fields.keys), removed: [], signingKey: kari.signingKey)
                try db.insertCaseVersion(id, version: 1, body: sealed.body, signature: sealed.signature)
                // Every stored version is named by the log, or the store refuses the transaction.
                try t.vault.appendLog(db, state: state, actor: "kari", key: kari.signingKey, checkpoint: false, action: LogAction.caseCreate.rawValue,
                                      caseID: id, fields: [], detail: ["version": "1"], reason: nil)
                return id
            }
        }
    }

    private func addMember(_ t: TestVault, _ id: String, roles: [Role]) throws -> SecretIdentity {
        let identity = try SecretIdentity.generate()
        _ = try t.session("lina").addMember(id: id, name: id.capitalized, roles: roles, identity: identity.publicIdentity)
        t.remember(id, identity)
        return identity
    }

    private static func roleEnvelopes(_ v: CaseVersion) -> [[UInt8]] {
        v.classes.flatMap(\.envelopes).filter { $0.member.hasPrefix("role:") }.map(\.sealedKey)
    }

    private static func allEnvelopes(_ v: CaseVersion) -> [[UInt8]] { v.classes.flatMap(\.envelopes).map(\.sealedKey) }

    private func assertAuthFailure<T>(_ body: @autoclosure () throws -> T, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual((error as? VaultError)?.kind, .authenticationFailed, "\(error)", file: file, line: line)
        }
    }
}

extension RawDatabase {
    func seedWraps(holder: String) throws -> [[UInt8]] {
        try queue.read { db in
            try Data.fetchAll(db, sql: "SELECT sealed FROM role_key_wraps WHERE holder = ? ORDER BY key, epoch", arguments: [holder]).map { [UInt8]($0) }
        }
    }

    func recordBody(_ key: String, epoch: Int) throws -> [UInt8] {
        try queue.read { db in
            [UInt8](try XCTUnwrap(Data.fetchOne(db, sql: "SELECT body FROM role_key_records WHERE key = ? AND epoch = ?", arguments: [key, epoch])))
        }
    }
}
