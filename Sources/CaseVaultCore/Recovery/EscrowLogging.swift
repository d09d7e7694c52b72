import AccessPolicy
import SodiumKit

/// What recovery and break-glass share: appending an entry whose index a row then names, and
/// checking that a request's entry really is in the log before anything is released for it.
extension SessionBound {
    /// Appends an entry and returns its index (the log's size before the append).
    func appendLogIndexed(_ db: StoreTransaction, state: VaultState, action: LogAction, caseID: CaseID?, fields: [String] = [],
                          detail: [String: String], reason: String? = nil) throws -> UInt64 {
        let index = try db.logFrontier().size
        try vault.appendLog(db, state: state, session: session, action: action, caseID: caseID, fields: fields, detail: detail, reason: reason)
        return index
    }

    /// The entry at `index` must exist, verify, carry `action` and name `hash` as `request-hash`.
    @discardableResult
    func requireLogged(_ db: StoreTransaction, index: UInt64, action: LogAction, hash: [UInt8]) throws -> LogEntry {
        guard let bytes = try db.logEntry(at: index), let entry = try? LogEntry.parse(bytes) else {
            throw VaultError.refused("the request's log entry \(index) is not in the log; nothing is released for an unlogged request")
        }
        try entry.verifySignature()
        guard entry.index == index, entry.action == action.rawValue, entry.detailValue("request-hash") == Hex.encode(hash) else {
            throw VaultError.refused("log entry \(index) does not record this request; nothing is released for an unlogged request")
        }
        return entry
    }

    /// Creates the next epoch of an escrow key: a fresh seed, its key pair, the root-signed
    /// record and the wraps `wrap` makes of the seed, in the caller's transaction. The seed is
    /// zeroed when this returns.
    func newEscrowEpoch(_ db: StoreTransaction, kind: EscrowKeyRecord.Kind, holders: [String], threshold: Int, root: SigningSecretKey,
                        wrap: (SecureBytes) throws -> [(holder: String, wrap: [UInt8])]) throws -> EscrowKeyRecord {
        let epoch = UInt64(try vault.escrowKeyRecords(db, kind: kind).count + 1)
        let seed = try SecureBytes.random(count: 32)
        let pair = try BoxSecretKey(seed: seed)
        let record = try EscrowKeyRecord.sign(kind: kind, vault: vault.vaultID, epoch: epoch, publicKey: pair.publicKey, holders: holders,
                                              threshold: threshold, created: clock.now(), root: root)
        try db.insertEscrowKey(kind: kind.rawValue, epoch: epoch, record: record.statement.text)
        for w in try wrap(seed) { try db.insertEscrowWrap(kind: kind.rawValue, epoch: epoch, holder: w.holder, wrap: w.wrap) }
        return record
    }

    /// The active member `id`, or a refusal.
    func activeMember(_ id: String, in state: VaultState) throws(VaultError) -> RosterEntry {
        guard let m = state.roster.entry(id), m.kind == .member, !m.isRevoked else { throw .notFound("no active member \(id) on the roster") }
        return m
    }

    /// Opens the class keys `refs` of a verified chain through the envelopes labelled `label`
    /// (an escrow label, or a member's own id), each checked against its class commitment. A
    /// ref without such an envelope is left out.
    func openEscrowedKeys(_ refs: [CaseVersion.KeyRef], chain: [CaseVersion], caseID: CaseID, label: String,
                          key: any SealedBoxOpener) throws(VaultError) -> [(ref: CaseVersion.KeyRef, key: SymmetricKey)] {
        if let agent = key as? any CaseKeyOpener { return try openOwnEnvelopes(refs, chain: chain, caseID: caseID, agent: agent) }
        var out: [(ref: CaseVersion.KeyRef, key: SymmetricKey)] = []
        for ref in refs {
            guard ref.generation >= 1, ref.generation <= UInt64(chain.count),
                  let cls = chain[Int(ref.generation - 1)].classes.first(where: { $0.index == ref.index }) else {
                throw .auth("case \(caseID) names a missing key generation")
            }
            guard let envelope = cls.envelopes.first(where: { $0.member == label }) else { continue }
            let k: SymmetricKey
            do { k = try SymmetricKey(secret: try key.openSealedBox(envelope.sealedKey)) } catch {
                throw .auth("case \(caseID): the \(label) envelope does not open (tampered or wrong key)")
            }
            guard Memory.constantTimeEquals(CaseVersion.commitment(to: k, vault: vault.vaultID, caseID: caseID, ref: ref), cls.commitment) else {
                throw .auth("case \(caseID): an escrowed key does not match its commitment")
            }
            out.append((ref, k))
        }
        return out
    }

    /// The member's own envelopes among `refs`, opened by their key agent as one logged request.
    private func openOwnEnvelopes(_ refs: [CaseVersion.KeyRef], chain: [CaseVersion], caseID: CaseID,
                                  agent: any CaseKeyOpener) throws(VaultError) -> [(ref: CaseVersion.KeyRef, key: SymmetricKey)] {
        var items: [CaseKeyRequest.Item] = []
        for ref in refs {
            guard ref.generation >= 1, ref.generation <= UInt64(chain.count),
                  let cls = chain[Int(ref.generation - 1)].classes.first(where: { $0.index == ref.index }) else {
                throw .auth("case \(caseID) names a missing key generation")
            }
            guard let envelope = cls.envelopes.first(where: { $0.member == member.id }) else { continue }
            items.append(.init(ref: ref, format: Opener.format(ofGeneration: ref.generation, in: chain), commitment: cls.commitment,
                               box: envelope.sealedKey, roleLabel: ""))
        }
        guard !items.isEmpty else { return [] }
        let keys = try agent.openCaseKeys(CaseKeyRequest(vaultDirectory: vault.directory, vaultID: vault.vaultID, caseID: caseID, items: items, roleSeeds: []))
        return try zip(items, keys).map { (item, key) throws(VaultError) in
            guard let key else { throw .auth("case \(caseID): the \(member.id) envelope does not open (tampered or wrong key)") }
            return (item.ref, key)
        }
    }
}
