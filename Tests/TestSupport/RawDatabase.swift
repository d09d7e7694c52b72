import AccessPolicy
@testable import CaseVaultCore
import CaseVaultSamples
import Foundation
import GRDB
import SodiumKit
import XCTest

/// Direct access to a vault's SQLite file, around the library: what someone holding a copy of
/// `vault.sqlite` can read and change.
final class RawDatabase {
    struct Row: Equatable {
        var version: Int64
        var body: [UInt8]
        var signature: [UInt8]
    }

    let queue: DatabaseQueue

    init(path: String) throws {
        var c = Configuration()
        c.busyMode = .timeout(10)
        queue = try DatabaseQueue(path: path, configuration: c)
    }

    convenience init(_ t: TestVault) throws { try self.init(path: t.databasePath) }

    /// Every stored version of a case, oldest first.
    func rows(_ caseID: CaseID) throws -> [Row] {
        try queue.read { db in
            try GRDB.Row.fetchAll(db, sql: "SELECT version, body, signature FROM case_versions WHERE case_id = ? ORDER BY version",
                                  arguments: [Data(caseID.bytes)])
                .map { Row(version: $0["version"], body: [UInt8]($0["body"] as Data), signature: [UInt8]($0["signature"] as Data)) }
        }
    }

    func row(_ caseID: CaseID, _ version: Int64) throws -> Row {
        try XCTUnwrap(try rows(caseID).first { $0.version == version })
    }

    /// The decoded latest version (through the format decoder only: no signature is checked).
    func latest(_ caseID: CaseID) throws -> CaseVersion { try CaseVersion.decode(try XCTUnwrap(rows(caseID).last).body) }

    func decoded(_ caseID: CaseID) throws -> [CaseVersion] { try rows(caseID).map { try CaseVersion.decode($0.body) } }

    /// Overwrites one stored version's body and/or signature.
    func replace(_ caseID: CaseID, version: Int64, body: [UInt8]? = nil, signature: [UInt8]? = nil) throws {
        try queue.write { db in
            if let body {
                try db.execute(sql: "UPDATE case_versions SET body = ? WHERE case_id = ? AND version = ?", arguments: [Data(body), Data(caseID.bytes), version])
            }
            if let signature {
                try db.execute(sql: "UPDATE case_versions SET signature = ? WHERE case_id = ? AND version = ?",
                               arguments: [Data(signature), Data(caseID.bytes), version])
            }
            XCTAssertEqual(db.changesCount, 1, "no stored version \(version) to replace")
        }
    }

    func insert(_ caseID: CaseID, version: Int64, body: [UInt8], signature: [UInt8]) throws {
        try queue.write { db in
            try db.execute(sql: "INSERT INTO case_versions (case_id, version, body, signature) VALUES (?, ?, ?, ?)",
                           arguments: [Data(caseID.bytes), version, Data(body), Data(signature)])
        }
    }

    func delete(_ caseID: CaseID, version: Int64) throws {
        try queue.write { db in
            try db.execute(sql: "DELETE FROM case_versions WHERE case_id = ? AND version = ?", arguments: [Data(caseID.bytes), version])
            XCTAssertEqual(db.changesCount, 1)
        }
    }

    func execute(_ sql: String, _ arguments: StatementArguments = []) throws {
        try queue.write { db in try db.execute(sql: sql, arguments: arguments) }
    }

    func text(_ sql: String) throws -> String? { try queue.read { db in try String.fetchOne(db, sql: sql) } }
    /// Pseudonym → X25519 key of every resident binding, read straight from the table.
    func residentBoxKeys() throws -> [(String, BoxPublicKey)] {
        try queue.read { db in
            try GRDB.Row.fetchAll(db, sql: "SELECT pseudonym, box_key FROM resident_bindings").map { row in
                (row["pseudonym"] as String, try BoxPublicKey(bytes: [UInt8](row["box_key"] as Data)))
            }
        }
    }

    func blob(_ sql: String) throws -> [UInt8]? { try queue.read { db in try Data.fetchOne(db, sql: sql).map { [UInt8]($0) } } }

    /// A digest of the vault's content tables (cases, rosters, policies, metadata other than the
    /// access log's bookkeeping): equal digests mean nothing that a command may change has changed.
    /// The access log is left out on purpose: refused attempts are logged by design.
    func contentDigest() throws -> [UInt8] {
        try queue.read { db in
            var bytes: [UInt8] = []
            for (table, order) in [("case_versions", "case_id, version"), ("rosters", "serial"), ("policies", "serial"),
                                   ("meta", "key")] {
                bytes += Array("table \(table)\n".utf8)
                for row in try GRDB.Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY \(order)") {
                    if table == "meta", let key: String = row["key"], key.hasPrefix("log_") { continue }
                    for value in row.databaseValues {
                        switch value.storage {
                        case let .blob(d): bytes += [1] + Array(d)
                        case let .string(s): bytes += [2] + Array(s.utf8)
                        case let .int64(i): bytes += [3] + Array(String(i).utf8)
                        case let .double(x): bytes += [4] + Array(String(x).utf8)
                        case .null: bytes += [5]
                        }
                        bytes += [0xFF]
                    }
                }
            }
            return BLAKE2b.hash(bytes)
        }
    }

    func count(_ table: String) throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }
}

/// Building versions the way an insider with a valid signing key could: decode, change, re-encode, re-sign.
enum Forge {
    static func sign(_ v: CaseVersion, with identity: SecretIdentity) -> (body: [UInt8], signature: [UInt8]) {
        let body = v.encoded()
        return (body, identity.signingKey.signature(for: CaseVersion.signedMessage(body)))
    }

    /// Replaces the latest stored version of `caseID` with `v`, signed by `author`.
    static func replaceLatest(_ raw: RawDatabase, _ caseID: CaseID, with v: CaseVersion, signedBy author: SecretIdentity) throws {
        let s = sign(v, with: author)
        try raw.replace(caseID, version: Int64(v.version), body: s.body, signature: s.signature)
    }

    /// Appends `v` (which must name the right parent) as the next stored version, signed by `author`.
    static func append(_ raw: RawDatabase, _ caseID: CaseID, _ v: CaseVersion, signedBy author: SecretIdentity) throws {
        let s = sign(v, with: author)
        try raw.insert(caseID, version: Int64(v.version), body: s.body, signature: s.signature)
    }

    /// The chain hash the next version must name as its parent.
    static func parentHash(after row: RawDatabase.Row) -> [UInt8] { CaseVersion.chainHash(body: row.body, signature: row.signature) }

    /// Opens the class key of `ref` for `reader` straight from the stored versions: through their
    /// own envelope, or one sealed to a role key in `roleKeys` (`RawDatabase.roleKeys(holder:box:)`).
    static func classKey(_ ref: CaseVersion.KeyRef, in chain: [CaseVersion], reader: String, key: BoxSecretKey,
                         roleKeys: [String: BoxSecretKey] = [:]) throws -> SymmetricKey {
        let cls = try XCTUnwrap(chain[Int(ref.generation) - 1].classes.first { $0.index == ref.index })
        let envelope = try XCTUnwrap(cls.envelopes.first { $0.member == reader || roleKeys[$0.member] != nil },
                                     "\(reader) holds no envelope of class \(ref.index) of version \(ref.generation)")
        return try SymmetricKey(secret: try SealedBox.open(envelope.sealedKey, with: roleKeys[envelope.member] ?? key))
    }

    /// A new access class in `v` holding `key`, sealed to `members`, with a correct commitment for `v`'s case.
    static func addClass(to v: inout CaseVersion, key: SymmetricKey, members: [(String, BoxPublicKey)]) throws -> CaseVersion.KeyRef {
        let index = (v.classes.map(\.index).max() ?? 0) + 1
        let ref = CaseVersion.KeyRef(generation: v.version, index: index)
        let secret = try key.withUnsafeBytes { try SecureBytes(copying: $0) }
        let envelopes = try members.map { CaseVersion.Envelope(member: $0.0, sealedKey: try SealedBox.seal(secret, to: $0.1)) }
        v.classes.append(.init(index: index, commitment: CaseVersion.commitment(to: key, vault: v.vaultID, caseID: v.caseID, ref: ref),
                               envelopes: envelopes))
        return ref
    }
}

extension TestVault {
    /// The sample record's fields as the parser reads them (the values every authorised reader must get back).
    static func sampleFields() throws -> [String: FieldValue] {
        try RecordParser(allowSyntheticIDs: true).parseRecord(SampleCase.yaml).fields
    }

    /// Every member of the test vault, leader first.
    static var allMemberIDs: [String] { ["lina"] + staff.map(\.id) + [resident] }

    /// The roles each test member holds (as set up by `init`; the resident's through her binding).
    static func roles(of id: String) -> [Role] { id == "lina" ? [.leader] : id == resident ? [.resident] : staff.first { $0.id == id }!.roles }

    /// Asserts that `body` throws a `VaultError` of one of `kinds`; returns the error.
    @discardableResult
    static func assertFails<T>(_ kinds: Set<VaultError.Kind>, _ what: String, file: StaticString = #filePath, line: UInt = #line,
                               _ body: () throws -> T) -> VaultError? {
        do {
            _ = try body()
            XCTFail("\(what): expected a \(kinds) error, got a result", file: file, line: line)
            return nil
        } catch let e as VaultError {
            XCTAssertTrue(kinds.contains(e.kind), "\(what): expected \(kinds), got \(e.kind): \(e.message)", file: file, line: line)
            return e
        } catch {
            XCTFail("\(what): expected a VaultError, got \(error)", file: file, line: line)
            return nil
        }
    }

    /// The direct database handle for this vault.
    func raw() throws -> RawDatabase { try RawDatabase(self) }
}

extension Set where Element == VaultError.Kind {
    /// Tampering must show as one of these: a failed check, or a non-canonical encoding.
    static let tampered: Set<VaultError.Kind> = [.authenticationFailed, .unsupportedFormat]
}

extension RawDatabase {
    /// Every role key whose seed is sealed to `holder`, opened with their own box key and keyed
    /// by envelope label (`role:<role>#<epoch>`): what a member holds, read around the library.
    func roleKeys(holder: String, box: BoxSecretKey) throws -> [String: BoxSecretKey] {
        let rows = try queue.read { db in
            try GRDB.Row.fetchAll(db, sql: "SELECT key, epoch, sealed FROM role_key_wraps WHERE holder = ?", arguments: [holder])
        }
        var out: [String: BoxSecretKey] = [:]
        for row in rows {
            let key: String = row["key"], epoch: Int64 = row["epoch"], sealed: Data = row["sealed"]
            out["\(key)#\(epoch)"] = try BoxSecretKey(seed: try SealedBox.open([UInt8](sealed), with: box))
        }
        return out
    }
}
