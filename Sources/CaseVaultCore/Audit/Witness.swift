import Foundation
import SodiumKit
import TransparencyLog

/// What one witness run did.
public struct WitnessResult: Sendable {
    /// The size this witness had cosigned before, nil on its first run.
    public let previousSize: UInt64?
    public let checkpoint: Checkpoint
    /// The witness's public key as a vkey, to give to `audit verify --witness-key`.
    public let witness: CosignatureVerifier
    /// The cosigned checkpoint note.
    public let note: SignedNote
}

/// One run of the auditor's witness over the vault's log.
struct WitnessOperation: SessionBound {
    let session: Session

    /// The auditor's witness: an anchor outside the vault, without which cutting the end of the
    /// log could not be detected. It keeps the last checkpoint it cosigned in `statePath`, reads
    /// the vault's latest checkpoint, checks a member signed it, refuses a smaller tree, a fork
    /// (another root at the same size) and any tree a consistency proof does not link to the
    /// saved one, then cosigns (tlog-cosignature v1.0.1) with the auditor's own key. The proof is
    /// computed from the vault's leaf hashes but checked only against the two signed roots, so a
    /// vault that lies about its leaves gains nothing. A refusal is logged as well.
    func witness(statePath: String) throws(VaultError) -> WitnessResult {
        guard member.holds(.witness) else {
            let error = VaultError.denied("the witness is run by the auditor, and \(member.id) is not an auditor")
            session.recordRefusal(command: "audit.witness", caseID: nil, error: error)
            throw error
        }
        let signer: CosignatureSigner
        do { signer = try CosignatureSigner(name: LogNames.witnessKeyName(member: member.id), secretKey: identity.signer) } catch {
            throw .input("member id \(member.id) cannot name a witness key", cause: error)
        }
        let saved = try loadWitnessState(statePath, signer: signer)
        let result: WitnessResult
        do {
            result = try vault.write { db in
                let state = try vault.loadState(db)
                guard let latest = try vault.storedCheckpoint(db) else { throw VaultError.notFound("the log has no checkpoint yet") }
                let checkpoint: Checkpoint
                do { checkpoint = try Checkpoint.open(latest.bytes, verifiers: vault.checkpointVerifiers(state), origin: vault.logOrigin).checkpoint } catch {
                    throw VaultError.auth("the vault's latest checkpoint is not signed by a member: \(error)", cause: error)
                }
                if let old = saved?.checkpoint {
                    try Self.requireExtends(old: old, new: checkpoint, leaves: { try db.leafHashes(size: checkpoint.size) })
                }
                let now = UInt64(clamping: vault.clock.now().seconds)
                // Stored as the log signed it plus this witness's line: what the witness vouches for, nothing else.
                let stored = try latest.adding(try signer.cosign(checkpoint, timestamp: now))
                try db.saveCosignature(size: checkpoint.size, witness: signer.name, note: stored.bytes)
                try vault.appendLog(db, state: state, session: session, action: .auditCosign, caseID: nil, fields: [],
                                    detail: ["size": String(checkpoint.size)], reason: nil)
                return WitnessResult(previousSize: saved?.checkpoint.size, checkpoint: checkpoint, witness: signer.verifier, note: stored)
            }
        } catch {
            session.recordRefusal(command: "audit.witness", caseID: nil, error: error)
            throw error
        }
        let newState = try WitnessState(vaultID: vault.vaultID, rootKey: vault.rootKey, witnessName: signer.name, note: result.note)
        try SecureFile.replaceAtomically(statePath, newState.bytes)
        return result
    }

    /// The witness's rules: never a smaller tree, never another root at the same size, and a
    /// larger tree only with a consistency proof from the saved one.
    static func requireExtends(old: Checkpoint, new: Checkpoint, leaves: () throws -> [UInt8]) throws {
        guard new.size >= old.size else {
            throw VaultError.auth("refusing to cosign: the log's checkpoint (size \(new.size)) is smaller than the one already cosigned (size \(old.size)); the log was cut or rolled back")
        }
        if new.size == old.size {
            guard new.rootHash == old.rootHash else {
                throw VaultError.auth("refusing to cosign: the checkpoint of size \(new.size) has another root than the one already cosigned (a fork)")
            }
            return
        }
        do { try new.verifyConsistency(from: old, proof: try FlatMerkleTree(flatLeafHashes: try leaves()).consistencyProof(oldSize: old.size, newSize: new.size)) } catch {
            throw VaultError.auth("refusing to cosign: the checkpoint of size \(new.size) is not consistent with the one already cosigned (size \(old.size)): a fork or rewritten history", cause: error)
        }
    }

    /// Reads the saved state, which must be for this vault and root, this witness, and carry
    /// the witness's own valid cosignature (a swapped or edited state file is refused).
    private func loadWitnessState(_ path: String, signer: CosignatureSigner) throws(VaultError) -> WitnessState? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let state = try WitnessState.parse(try SecureFile.read(path, what: "witness state"))
        guard state.vaultID == vault.vaultID else { throw .refused("the witness state \(path) is for another vault") }
        guard state.rootKey == vault.rootKey else {
            throw .auth("the vault's centre root key is not the one this witness pinned on its first run")
        }
        guard state.witnessName == signer.name else { throw .refused("the witness state \(path) belongs to witness \(state.witnessName)") }
        do { _ = try signer.verifier.verify(state.note) } catch { throw .auth("the witness state \(path) does not carry this witness's valid cosignature", cause: error) }
        return state
    }
}
