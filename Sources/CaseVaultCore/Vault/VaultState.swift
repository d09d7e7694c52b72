import AccessPolicy
import Foundation
import GRDB
import SodiumKit

/// The verified roster and policies as they stand: loaded per command, checked against the
/// centre root key before anything relies on them.
struct VaultState: Sendable {
    var rosters: [SignedRoster]
    var policies: [Int: Policy]

    var roster: Roster { rosters.last!.roster }
    var policy: Policy { policies[policies.keys.max()!]! }
}

extension Vault {
    func loadState(_ db: Database) throws(VaultError) -> VaultState {
        let rosterRows: [Row], policyRows: [Row]
        do {
            rosterRows = try Row.fetchAll(db, sql: "SELECT serial, text FROM rosters ORDER BY serial")
            policyRows = try Row.fetchAll(db, sql: "SELECT serial, text, signature FROM policies ORDER BY serial")
        } catch { throw .io("cannot read the roster and policy") }
        var rosters: [SignedRoster] = []
        for row in rosterRows {
            let signed = try SignedRoster(fileText: row["text"], trustedRoot: rootKey)
            let serial: Int64 = row["serial"]
            guard signed.roster.serial == UInt64(serial), signed.roster.serial == UInt64(rosters.count + 1),
                  signed.roster.vaultID == vaultID else { throw .auth("roster history is out of order or from another vault") }
            rosters.append(signed)
        }
        guard !rosters.isEmpty else { throw .format("the vault has no roster") }
        var policies: [Int: Policy] = [:]
        for row in policyRows {
            let bytes = [UInt8](row["text"] as Data)
            try PolicySigning.verify(bytes, signature: [UInt8](row["signature"] as Data), vault: vaultID, root: rootKey)
            let policy: Policy
            do { policy = try Policy(bytes: bytes) } catch { throw .format("stored policy: \(error)") }
            guard policy.serial == Int(row["serial"] as Int64) else { throw .auth("stored policy serial does not match its row") }
            policies[policy.serial] = policy
        }
        guard !policies.isEmpty else { throw .format("the vault has no policy") }
        return VaultState(rosters: rosters, policies: policies)
    }

    func state() throws(VaultError) -> VaultState {
        do { return try db.read { db in try loadState(db) } } catch let e as VaultError { throw e } catch { throw .io("cannot read the vault") }
    }

    /// The current roster, verified.
    public func roster() throws(VaultError) -> Roster { try state().roster }

    /// Every signed roster, oldest first (for the auditor's export).
    public func rosterHistory() throws(VaultError) -> [SignedRoster] { try state().rosters }

    /// The policy in force, verified.
    public func policy() throws(VaultError) -> Policy { try state().policy }

    /// Runs `body` in one write transaction; a thrown error rolls everything back.
    func write<T>(_ body: (Database) throws -> T) throws(VaultError) -> T {
        do { return try db.write(body) } catch let e as VaultError { throw e } catch let e as DatabaseError {
            throw .io("database error (\(e.resultCode))")
        } catch { throw .io("database write failed") }
    }

    func read<T>(_ body: (Database) throws -> T) throws(VaultError) -> T {
        do { return try db.read(body) } catch let e as VaultError { throw e } catch let e as DatabaseError {
            throw .io("database error (\(e.resultCode))")
        } catch { throw .io("database read failed") }
    }
}
