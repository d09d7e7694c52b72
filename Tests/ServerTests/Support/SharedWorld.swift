import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import CaseVaultSync
import Foundation
import SodiumKit
import XCTest

/// A test vault published on a test server, and the replicas that members join from it.
final class SharedWorld: @unchecked Sendable {
    let db: TestPostgres
    let server: TestServer
    let t: TestVault
    private var replicas: [String] = []

    /// `serverClock`: the server's clock, for a test that advances the vault's clock (entries
    /// dated far from the server's clock are refused).
    init(world t: TestVault? = nil, serverClock: (any VaultClock)? = nil) throws {
        db = try TestPostgres()
        server = try TestServer(db, clock: serverClock ?? SystemClock())
        self.t = try t ?? TestVault()
        _ = try Workstation.publish(self.t.vault, server: server.url, member: "lina", keyFile: self.t.directory + "/lina.key",
                                    signer: self.t.identity("lina").signer)
    }

    deinit {
        server.stop()
        for r in replicas { try? FileManager.default.removeItem(atPath: r) }
    }

    var vaultID: VaultID { t.vault.vaultID }

    /// A new workstation's replica for `member`.
    func join(_ member: String) throws -> Vault {
        let dir = NSTemporaryDirectory() + "casevault-replica-" + UUID().uuidString
        replicas.append(dir)
        return try Workstation.join(server: server.url, vaultID: vaultID, rootFingerprint: t.vault.rootFingerprint, into: dir, member: member,
                                    keyFile: dir + "/\(member).key", signer: t.identity(member).signer)
    }

    func sync(_ replica: Vault, as member: String) throws -> Workstation.SyncCounts {
        try Workstation.sync(replica, signer: t.identity(member).signer)
    }

    func client(_ id: String, identity: SecretIdentity? = nil) throws -> SyncClient {
        let c = try SyncClient(server: server.url, vaultID: vaultID)
        try c.signIn(as: id, signer: (identity ?? t.identity(id)).signer)
        return c
    }

    /// What a command does on a replica: pull, act, push; when the vault moved on, undo and run
    /// it once more (as the user told to retry would). Returns how many attempts it took.
    @discardableResult
    func command(on replica: Vault, as member: String, _ body: (Session) throws -> Void) throws -> Int {
        for attempt in 1...20 {  // each refusal means another push landed: the writers make progress
            _ = try Workstation.sync(replica, signer: t.identity(member).signer, pushing: false)
            let snapshot = try ReplicaSnapshot(vault: replica, keyFile: nil)
            try body(try Session(vault: replica, identity: t.identity(member)))
            do {
                _ = try Workstation.sync(replica, signer: t.identity(member).signer, pulling: false)
                return attempt
            } catch let f as SyncFailure where f.kind == .headMoved {
                try snapshot.restore()
            }
        }
        throw NSError(domain: "SharedWorld", code: 1, userInfo: [NSLocalizedDescriptionKey: "twenty attempts refused"])
    }

    static let smallCase = """
        case: {type: resident, phase: 1, status: open, opened: 2026-11-20}
        person: {alias: Blåklokke, gender: female, address_protection: strengt-fortrolig}
        """
}
