import CaseVaultCore
import Foundation
import SodiumKit

/// A workstation's replica of a shared vault: pull what is new (applied, then verified by the
/// core like any vault), push what this replica wrote, continuing the log at the server's head.
public enum Workstation {
    /// Makes `vault` (an existing single-file vault) a shared one: registers it by its first
    /// roster and pushes all of it. The leader runs this once.
    public static func publish(_ vault: Vault, server: String, member: String, keyFile: String, signer: any MessageSigner) throws -> SyncCounts {
        guard try ReplicaLink.load(in: vault.directory) == nil else { throw SyncFailure(.protocolError, "this vault is already shared (\(ReplicaLink.fileName))") }
        let documents = try vault.storedDocumentCount()
        guard documents == 0 else {
            throw SyncFailure(.protocolError, "this vault holds \(documents) case document(s), which a shared vault cannot carry yet: publishing would leave them on this computer only")
        }
        let rows = try vault.replicaRows()
        guard let first = rows.first(where: { $0.table == "rosters" && $0.key == [.integer(1)] })?.values?.last, case .text(let roster) = first else {
            throw SyncFailure(.protocolError, "the vault has no first roster")
        }
        let client = try SyncClient(server: server, vaultID: vault.vaultID)
        try client.register(rootKey: vault.rootKey, firstRoster: roster)
        try client.signIn(as: member, signer: signer)
        var link = ReplicaLink(server: server, vault: vault.vaultID, member: member, keyFile: keyFile)
        let counts = try sync(vault, link: &link, client: client)
        try link.save(in: vault.directory)
        return counts
    }

    /// A new replica in `directory` of the vault `vaultID` on `server`, accepted only when its
    /// centre root has the fingerprint the leader read out.
    public static func join(server: String, vaultID: VaultID, rootFingerprint: String, into directory: String,
                            member: String, keyFile: String, signer: any MessageSigner) throws -> Vault {
        let client = try SyncClient(server: server, vaultID: vaultID)
        try client.signIn(as: member, signer: signer)
        let page = try client.pull(after: 0)
        let vault = try Vault.createReplica(at: directory, rows: page.rows, rootFingerprint: rootFingerprint)
        guard vault.vaultID == vaultID else { throw SyncFailure(.protocolError, "the server sent another vault") }
        var link = ReplicaLink(server: server, vault: vaultID, member: member, keyFile: keyFile)
        link.pulled = page.next
        link.logSize = page.logSize
        for row in page.rows where row.values != nil { link.synced[ReplicaLink.rowKey(row)] = Hex.encode(row.contentHash) }
        try link.save(in: directory)
        return vault
    }

    public struct SyncCounts: Sendable, Equatable {
        public var pulled: Int
        public var pushed: Int
    }

    /// Signs in with the replica's link and syncs: first pushes what this replica wrote (refused
    /// with `headMoved` when the vault moved on since the last pull), then pulls what is new.
    /// `pushing: false` only pulls (before a command); `pulling: false` only pushes (after one).
    public static func sync(_ vault: Vault, signer: any MessageSigner, pushing: Bool = true, pulling: Bool = true) throws -> SyncCounts {
        guard var link = try ReplicaLink.load(in: vault.directory) else { throw SyncFailure(.protocolError, "this vault is not shared (no \(ReplicaLink.fileName))") }
        let client = try SyncClient(server: link.server, vaultID: vault.vaultID)
        try client.signIn(as: link.member, signer: signer)
        var counts = SyncCounts(pulled: 0, pushed: 0)
        if pushing {
            counts.pushed = try push(vault, link: &link, client: client)
            try link.save(in: vault.directory)
        }
        if pulling {
            counts.pulled = try pull(vault, link: &link, client: client)
            try link.save(in: vault.directory)
        }
        return counts
    }

    static func sync(_ vault: Vault, link: inout ReplicaLink, client: SyncClient) throws -> SyncCounts {
        let pushed = try push(vault, link: &link, client: client)
        return SyncCounts(pulled: try pull(vault, link: &link, client: client), pushed: pushed)
    }

    /// Applies what the server holds beyond `link.pulled`. A row that would rewrite or drop this
    /// replica's signed history is refused by the core, and nothing is applied.
    public static func pull(_ vault: Vault, link: inout ReplicaLink, client: SyncClient) throws -> Int {
        let page = try client.pull(after: link.pulled)
        guard page.logSize >= link.logSize else {
            throw VaultError(.authenticationFailed, "the server's log went back from \(link.logSize) to \(page.logSize) entries (rolled back or forked)")
        }
        try vault.applyPulled(page.rows)
        for row in page.rows {
            link.synced[ReplicaLink.rowKey(row)] = row.values == nil ? nil : Hex.encode(row.contentHash)
        }
        link.pulled = page.next
        link.logSize = page.logSize
        return page.rows.count
    }

    /// Sends the rows this replica changed since they were last synced.
    public static func push(_ vault: Vault, link: inout ReplicaLink, client: SyncClient) throws -> Int {
        let local = try vault.replicaRows()
        var changed: [SyncRow] = []
        var present: Set<String> = []
        for row in local {
            let key = ReplicaLink.rowKey(row)
            present.insert(key)
            if link.synced[key] != Hex.encode(row.contentHash) { changed.append(row) }
        }
        for key in link.synced.keys where !present.contains(key) {
            let parts = key.split(separator: "\0", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            let values = try parts[1].split(separator: "\n", omittingEmptySubsequences: false).map { try SyncValue(wire: String($0)) }
            changed.append(SyncRow(table: parts[0], key: values, values: nil))
        }
        guard !changed.isEmpty else { return 0 }
        do {
            link.logSize = try client.push(base: link.logSize, rows: changed)
        } catch {
            // A push can land while its answer is lost (the server or the network died after the
            // commit). Retrying it would be refused forever, so the replica takes the server's
            // rows instead, but only when they hold exactly what this replica sent.
            guard error.kind == .headMoved, try landedEarlier(changed, link: link, client: client) else { throw error }
            _ = try pull(vault, link: &link, client: client)
            return changed.count
        }
        for row in changed { link.synced[ReplicaLink.rowKey(row)] = row.values == nil ? nil : Hex.encode(row.contentHash) }
        return changed.count
    }

    /// Whether the server already holds every row of `rows`, byte for byte (a deletion as a deletion).
    static func landedEarlier(_ rows: [SyncRow], link: ReplicaLink, client: SyncClient) throws(SyncFailure) -> Bool {
        let page = try client.pull(after: link.pulled)
        var served: [String: [UInt8]?] = [:]
        for row in page.rows { served.updateValue(row.values == nil ? nil : row.contentHash, forKey: ReplicaLink.rowKey(row)) }
        return rows.allSatisfy { row in
            guard let held = served[ReplicaLink.rowKey(row)] else { return false }
            return row.values == nil ? held == nil : held == row.contentHash
        }
    }
}
