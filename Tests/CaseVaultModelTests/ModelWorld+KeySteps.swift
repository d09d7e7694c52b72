import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import SodiumKit

/// The steps about keys and workstations: two sessions from the same head, a passphrase
/// changed, a lost key recovered by the trustees.
extension ModelWorld {
    /// Each writer's workstation opens its own handle, anchor and session, and reads the case,
    /// before any of them writes: each write must land on the head the one before left.
    func concurrentNotes(_ writers: [String], caseNumber n: Int) throws {
        let opened = try writers.map { id in
            let c = clients[id]!
            let vault = try Vault.open(at: t.directory, clock: t.clock)
            let anchor = try ClientAnchor.open(keyFile: c.keyFile, identity: c.identity, vault: vault)
            let session = try Session(vault: vault, identity: c.identity, clock: t.clock, anchor: anchor)
            _ = try session.showCase(caseIDs[n])
            return (vault, anchor, session)
        }
        let before = try t.raw().latest(caseIDs[n]).version
        for (vault, anchor, session) in opened {
            try session.updateCase(caseIDs[n], patchText: nextNote())
            try anchor.save(vault: vault)
        }
        let after = try t.raw().latest(caseIDs[n]).version
        guard after == before + UInt64(writers.count) else {
            throw ModelFailure(step: -1, message: "\(writers.count) notes from the same head moved case #\(n + 1) from version \(before) to \(after)")
        }
    }

    /// Unlocks the member's key file as the CLI does, with the passphrase it has now.
    private func passphrase(_ text: String) throws -> SecureBytes {
        try Array(text.utf8).withUnsafeBytes { try SecureBytes(copying: $0) }
    }

    /// `identity passwd` on the member's key file (written on first use: the model's clients keep
    /// keys in memory), then one command through `Vault.openSession` with the new passphrase.
    func changePassphrase(_ id: String) throws {
        let c = clients[id]!
        passphraseCounter += 1
        let new = "Fjordlampe \(id) vinter \(passphraseCounter) sykkel"
        let old = passphrases[id] ?? "Første passord for \(id) på senteret"
        if passphrases[id] == nil {
            try FileManager.default.removeItem(atPath: c.keyFile)
            try KeyFile.write(c.identity, to: c.keyFile, passphrase: try passphrase(old))
        }
        try KeyFileChange.changePassphrase(at: c.keyFile, old: try passphrase(old), new: try passphrase(new))
        passphrases[id] = new
        if (try? KeyFile.load(from: c.keyFile, passphrase: try passphrase(old))) != nil {
            throw ModelFailure(step: -1, message: "\(id)'s old passphrase still opens their key file")
        }
        guard try KeyFile.load(from: c.keyFile, passphrase: try passphrase(new)).publicIdentity == c.identity.publicIdentity else {
            throw ModelFailure(step: -1, message: "\(id)'s key file holds other keys after the passphrase change")
        }
        // The same keys: the client's saved state still authenticates, and its later commands go on with them.
        let session = try t.vault.openSession(keyFile: c.keyFile, passphrase: try passphrase(new), command: "case.list")
        _ = try session.listCases()
        try session.anchor?.save(vault: t.vault)
    }

    /// The lost key is revoked and the member comes back under a new id and key; where no
    /// other reader holds the case's keys, only the trustees' recovery gives them back.
    func recoverLostKey(_ id: String, as newID: String) throws {
        _ = try run("lina") { try $0.revoke(id: id, kind: .member) }
        let identity = try SecretIdentity.generate()
        _ = try run("lina") { try $0.addMember(id: newID, name: newID, roles: [model.roles[id]!], identity: identity.publicIdentity) }
        t.remember(newID, identity)
        memberCounter += 1
        clients[newID] = try client(newID, machine: "own\(memberCounter)")
        for (n, assigned) in model.cases.enumerated() {
            guard let roles = assigned[id] else { continue }
            for role in roles.sorted(by: { $0.rawValue < $1.rawValue }) {
                try run("lina") { try $0.assign(caseIDs[n], memberID: newID, role: role) }
            }
            let request = try run("lina") { try $0.requestRecovery(caseIDs[n], for: newID, trustees: ["anne", "lina"]) }
            var progress: RecoveryProgress?
            for trustee in request.subset { progress = try run(trustee) { try $0.approveRecovery(request.id) } }
            guard case let .recovered(_, stillSealed, rotated) = progress, stillSealed == 0, rotated != nil else {
                throw ModelFailure(step: -1, message: "recovery of case #\(n + 1) for \(newID) ended \(String(describing: progress))")
            }
        }
    }
}
