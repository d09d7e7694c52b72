import CaseVaultAgent
import CaseVaultCore
import CaseVaultSync
import Foundation
import SodiumKit

/// A command on a shared vault's replica (a folder with `server.json`): pull before it runs,
/// push what it wrote after. Offline, reads show the replica as last synced and writes stay
/// here until `casevault server sync`. When the vault moved on meanwhile, the write is undone
/// on this replica and the user runs the command again.
enum SharedReplica {
    nonisolated(unsafe) private static var attached: (vault: Vault, link: ReplicaLink, signer: any MessageSigner, snapshot: ReplicaSnapshot, before: [SyncRow])?

    static func beforeCommand(_ vault: Vault) throws {
        guard attached == nil, let link = try ReplicaLink.load(in: vault.directory) else { return }
        let signer = try signer(keyFile: link.keyFile)
        // What an earlier command left unsent (written offline, or a refusal it logged) goes first.
        do { _ = try Workstation.sync(vault, signer: signer) } catch let f as SyncFailure where f.kind == .unreachable {
            Output.note("offline: \(f.message); showing this workstation's copy as last synced")
        } catch let f as SyncFailure where f.kind == .headMoved {
            throw CLIError(.refused, "this workstation holds writes the shared vault has not taken (made offline, or logged by a failed command) and the vault moved on; merging them is not supported yet",
                           hints: ["nothing was sent or changed"])
        }
        let fresh = try ReplicaLink.load(in: vault.directory) ?? link
        attached = (vault, fresh, signer, try ReplicaSnapshot(vault: vault, keyFile: link.keyFile), try vault.replicaRows())
        // A command that fails exits without returning here: its copy of the replica goes too.
        atexit { SharedReplica.attached?.snapshot.discard() }
    }

    /// After a command succeeded: push what it wrote.
    static func afterCommand() throws {
        guard let a = attached else { return }
        attached = nil
        guard try a.vault.replicaRows() != a.before else { return }
        do {
            _ = try Workstation.sync(a.vault, signer: a.signer, pulling: false)
        } catch let f as SyncFailure where f.kind == .unreachable {
            Output.note("saved on this workstation only (\(f.message)); `casevault server sync` sends it when the server is back")
        } catch let f as SyncFailure where f.kind == .headMoved {
            try a.snapshot.restore()
            throw CLIError(.refused, "the shared vault moved on while this command ran; nothing was saved: run the command again",
                           hints: ["this workstation's copy is as it was before the command"])
        } catch {
            try a.snapshot.restore()
            throw error
        }
    }

    /// The key agent holding the replica's key file, else the key file unlocked with its passphrase.
    static func signer(keyFile: String) throws -> any MessageSigner {
        if let agent = try AgentClient.holding(keyPath: keyFile) { return agent.signer }
        return try KeyUnlock.load(keyFile, passphraseFile: nil, variable: Passphrase.own, whose: "your").signer
    }
}
