import AccessPolicy
import SodiumKit

/// What `recovery approve` did: a layer peeled and handed on, or the case recovered.
public enum RecoveryProgress: Sendable, Equatable {
    /// The layer is peeled; `next` peels the next one.
    case handedOn(next: String)
    /// The last layer: `released` class keys granted to the new reader; `rotatedTo` is the new
    /// recovery epoch, or nil when the completing trustee does not hold the centre root key.
    case recovered(released: Int, stillSealed: Int, rotatedTo: UInt64?)
}

/// Recovery by k of n trustees (docs/FORMAT.md, "Recovery and break-glass"). The recovery seed
/// is nested-sealed for every k-subset of the trustees; a request names one subset, and each
/// trustee in turn peels one layer. The request's log entry commits before the first layer is
/// peeled; the seed exists only in the memory of the last trustee's client.
struct RecoveryOperations: SessionBound {
    let session: Session

    static let requestHeader = "casevault-recovery-request v1"
    static let requestDomain = "casevault/v2/recovery-request\0"
    static let requestKeys = ["vault", "request", "case", "case-version", "requester", "epoch", "subset", "new-reader", "created"]
    static let approvalHeader = "casevault-recovery-approval v1"
    static let approvalDomain = "casevault/v2/recovery-approval\0"
    static let approvalKeys = ["vault", "request", "request-hash", "trustee", "decided"]
    /// C(9, 4) = 126 wraps at most: setup stays quick and the table small.
    static let maxTrustees = 9

    /// `recovery setup`: a new recovery epoch for `trustees`, `threshold` of whom recover. Root only.
    func setup(trustees: [String], threshold: Int) throws(VaultError) -> EscrowKeyRecord {
        let root = try requireRoot(for: "recovery setup")
        guard Set(trustees).count == trustees.count, (2...Self.maxTrustees).contains(trustees.count) else {
            throw .input("name 2 to \(Self.maxTrustees) different trustees")
        }
        guard (2...trustees.count).contains(threshold) else { throw .input("the threshold must be at least 2 and at most the number of trustees") }
        return try vault.write { db in
            let state = try currentState(db)
            let keys = try trustees.map { id throws(VaultError) in try activeMember(id, in: state).identity.boxKey }
            let record = try setup(db, state: state, trustees: trustees, boxKeys: keys, threshold: threshold, root: root)
            return record
        }
    }

    private func setup(_ db: StoreTransaction, state: VaultState, trustees: [String], boxKeys: [BoxPublicKey], threshold: Int,
                       root: SigningSecretKey) throws -> EscrowKeyRecord {
        let record = try newEscrowEpoch(db, kind: .recovery, holders: trustees, threshold: threshold, root: root) { seed in
            try Self.subsets(of: Array(trustees.indices), size: threshold).map { subset in
                (subset.map { trustees[$0] }.joined(separator: "+"), try NestedSeal.seal(seed, to: subset.map { boxKeys[$0] }))
            }
        }
        _ = try appendLogIndexed(db, state: state, action: .recoverySetup, caseID: nil, detail: [
            "epoch": String(record.epoch), "trustees": trustees.joined(separator: "+"), "threshold": String(threshold),
            "record-hash": Hex.encode(record.statement.hash(kind: "escrow-key")),
        ])
        return record
    }

    /// Every `size`-element subset of `items`, each in the items' order, in lexicographic order.
    static func subsets(of items: [Int], size: Int) -> [[Int]] {
        guard size > 0 else { return [[]] }
        guard items.count >= size else { return [] }
        let first = items[0], rest = Array(items.dropFirst())
        return subsets(of: rest, size: size - 1).map { [first] + $0 } + subsets(of: rest, size: size)
    }

    /// `recovery request`: a leader asks the trustees `subset` (default: the first k) to recover
    /// `caseID` for `newReader`, who must already reach the case. Logged before anything else.
    func request(_ caseID: CaseID, for newReader: String, subset given: [String]?) throws(VaultError) -> (id: String, subset: [String]) {
        guard member.holds(.requestRecovery) else { throw .denied("only a leader may request a recovery") }
        return try vault.write { db in
            let state = try currentState(db)
            guard let record = try vault.escrowKeyRecords(db, kind: .recovery).last else {
                throw VaultError.refused("no recovery key is set up (`casevault recovery setup`)")
            }
            let reader = try activeMember(newReader, in: state)
            let chain = try verifiedChain(caseID, state: state, db: db)
            let head = chain.last!
            let access = CaseAccess(policy: state.policy, roster: state.roster, assignments: head.assignments)
            guard !access.effectiveRoles(of: reader).isEmpty else {
                throw VaultError.refused("\(newReader) does not reach case \(caseID); assign them first (`casevault case assign`)")
            }
            guard let epoch = try Self.recoveryEpoch(head: head, chain: chain), epoch <= record.epoch else {
                throw VaultError.refused("case \(caseID) was last written before `recovery setup`: it has no recovery envelope to recover")
            }
            let epochRecord = try vault.escrowKeyRecords(db, kind: .recovery)[Int(epoch - 1)]
            let subset = given ?? Array(epochRecord.holders.prefix(epochRecord.threshold))
            guard subset.count == epochRecord.threshold, Set(subset).isSubset(of: epochRecord.holders), Set(subset).count == subset.count else {
                throw VaultError.input("name \(epochRecord.threshold) of the trustees \(epochRecord.holders.joined(separator: ", "))")
            }
            let ordered = epochRecord.holders.filter(subset.contains)
            let id = Hex.encode(Random.bytes(16))
            let s = try EscrowStatement.sign(header: Self.requestHeader, fields: [
                ("vault", vault.vaultID.hex), ("request", id), ("case", caseID.hex), ("case-version", String(head.version)),
                ("requester", member.id), ("epoch", String(epoch)), ("subset", EscrowText.list(ordered)), ("new-reader", newReader),
                ("created", clock.now().rfc3339),
            ], domain: Self.requestDomain, key: identity.signer)
            let hash = s.hash(kind: "recovery-request")
            let index = try db.logFrontier().size
            try db.insertEscrowRequest(request: id, kind: "recovery", caseID: caseID, text: s.text, logIndex: index)
            _ = try appendLogIndexed(db, state: state, action: .recoveryRequest, caseID: caseID, detail: [
                "request": id, "request-hash": Hex.encode(hash), "epoch": String(epoch), "new-reader": newReader,
                "subset": ordered.joined(separator: "+"),
            ])
            return (id, ordered)
        }
    }

    /// The newest recovery epoch whose envelopes the head's fields use; nil when none has one.
    static func recoveryEpoch(head: CaseVersion, chain: [CaseVersion]) throws(VaultError) -> UInt64? {
        var newest: UInt64?
        for f in head.fields {
            guard f.key.generation >= 1, f.key.generation <= UInt64(chain.count) else { continue }
            for e in chain[Int(f.key.generation - 1)].classes.first(where: { $0.index == f.key.index })?.envelopes ?? []
            where e.member.hasPrefix("recovery#") {
                if let n = UInt64(e.member.dropFirst("recovery#".count)) { newest = max(newest ?? 0, n) }
            }
        }
        return newest
    }

    /// A stored recovery request, its signature checked against the requester on the roster.
    func loadRequest(_ db: StoreTransaction, _ id: String, state: VaultState) throws -> (row: StoredEscrowRequest, s: EscrowStatement) {
        guard EscrowStatement.isToken(id), let row = try db.escrowRequest(id), row.kind == "recovery" else {
            throw VaultError.notFound("no recovery request \(id)")
        }
        let s = try EscrowStatement.parse(row.text, header: Self.requestHeader, keys: Self.requestKeys)
        guard let requester = state.roster.entry(s.value("requester")), requester.kind == .member, requester.holds(.requestRecovery) else {
            throw VaultError.auth("recovery request \(id) is not signed by a leader")
        }
        try s.verify(domain: Self.requestDomain, by: requester.identity.signingKey)
        guard s.value("vault") == vault.vaultID.hex, s.value("request") == id, s.value("case") == row.caseID.hex else {
            throw VaultError.auth("recovery request \(id) does not match its row")
        }
        return (row, s)
    }

    /// `recovery approve`: this trustee approves (signed, logged, committed), then peels their
    /// layer. Refused unless the request's own log entry is in the log and the layer before
    /// theirs has been peeled.
    func approve(_ id: String) throws(VaultError) -> RecoveryProgress {
        let position: Int = try vault.write { db in
            let state = try currentState(db)
            let (row, s) = try loadRequest(db, id, state: state)
            let hash = s.hash(kind: "recovery-request")
            try requireLogged(db, index: row.logIndex, action: .recoveryRequest, hash: hash)
            let subset = EscrowText.list(s.value("subset"))
            guard let i = subset.firstIndex(of: member.id) else { throw VaultError.denied("\(member.id) is not among the trustees this request names") }
            let statements = try db.escrowStatements(request: id)
            guard !statements.contains(where: { $0.kind == "complete" }) else { throw VaultError.refused("recovery \(id) is already complete") }
            guard !statements.contains(where: { $0.kind == "approval" && $0.author == member.id }) else {
                throw VaultError.refused("\(member.id) has already approved recovery \(id)")
            }
            if i > 0, try db.recoveryPeels(request: id)[i] == nil {
                throw VaultError.refused("\(subset[i - 1]) must approve recovery \(id) first (the layers open in order)")
            }
            let approval = try EscrowStatement.sign(header: Self.approvalHeader, fields: [
                ("vault", vault.vaultID.hex), ("request", id), ("request-hash", Hex.encode(hash)), ("trustee", member.id),
                ("decided", clock.now().rfc3339),
            ], domain: Self.approvalDomain, key: identity.signer)
            let index = try db.logFrontier().size
            try db.insertEscrowStatement(request: id, kind: "approval", author: member.id, text: approval.text, logIndex: index)
            _ = try appendLogIndexed(db, state: state, action: .recoveryApprove, caseID: row.caseID, detail: [
                "request": id, "request-hash": Hex.encode(hash), "approval-hash": Hex.encode(approval.hash(kind: "recovery-approval")),
            ])
            return i
        }
        // The approval has committed: only now is a layer opened.
        return try vault.write { db in try peel(db, id, position: position) }
    }

    private func peel(_ db: StoreTransaction, _ id: String, position i: Int) throws -> RecoveryProgress {
        let state = try currentState(db)
        let (row, s) = try loadRequest(db, id, state: state)
        let subset = EscrowText.list(s.value("subset"))
        let epoch = try EscrowText.u64(s.value("epoch"), "epoch")
        let blob: [UInt8]
        if i == 0 {
            guard let wrap = try db.escrowWrap(kind: "recovery", epoch: epoch, holder: subset.joined(separator: "+")) else {
                throw VaultError.notFound("no recovery wrap for \(subset.joined(separator: ", ")) in epoch \(epoch)")
            }
            blob = wrap
        } else {
            guard let b = try db.recoveryPeels(request: id)[i] else { throw VaultError.refused("the layer before \(member.id)'s is missing") }
            blob = b
        }
        let inner: SecureBytes
        do { inner = try identity.boxOpener.openSealedBox(blob) } catch {
            throw VaultError.auth("\(member.id)'s layer of the recovery wrap does not open (tampered, or another trustee's layer)", cause: error)
        }
        if i < subset.count - 1 {
            // Not a secret to anyone but the next trustee: it is a sealed box addressed to them.
            let next = inner.withUnsafeBytes { [UInt8]($0) }
            try db.insertRecoveryPeel(request: id, step: i + 1, blob: next)
            _ = try appendLogIndexed(db, state: state, action: .recoveryPeel, caseID: row.caseID, detail: ["request": id, "step": String(i + 1)])
            return .handedOn(next: subset[i + 1])
        }
        return try complete(db, state: state, row: row, request: s, seed: inner, epoch: epoch)
    }

    /// The last layer gave the seed: open the case's recovery envelopes, grant the new reader
    /// what their role may read, log the completion, and start a new epoch when the root is at hand.
    private func complete(_ db: StoreTransaction, state: VaultState, row: StoredEscrowRequest, request s: EscrowStatement,
                          seed: SecureBytes, epoch: UInt64) throws -> RecoveryProgress {
        let records = try vault.escrowKeyRecords(db, kind: .recovery)
        guard epoch >= 1, epoch <= UInt64(records.count) else { throw VaultError.auth("recovery epoch \(epoch) is unknown") }
        let record = records[Int(epoch - 1)]
        let recKey: BoxSecretKey
        do { recKey = try BoxSecretKey(seed: seed) } catch { throw VaultError.auth("the recovery seed is malformed") }
        guard recKey.publicKey == record.publicKey else { throw VaultError.auth("the recovered seed is not recovery epoch \(epoch)'s (tampered wrap)") }
        let reader = try activeMember(s.value("new-reader"), in: state)
        let chain = try verifiedChain(row.caseID, state: state, db: db)
        let head = chain.last!
        let access = CaseAccess(policy: state.policy, roster: state.roster, assignments: head.assignments)
        var refs: [CaseVersion.KeyRef] = []
        for f in head.fields where access.canRead(reader, path: f.path) && !refs.contains(f.key) { refs.append(f.key) }
        let keys = try openEscrowedKeys(refs, chain: chain, caseID: row.caseID, label: record.label, key: recKey)
        let basis = "recovery:" + Hex.encode(s.hash(kind: "recovery-request"))
        let now = clock.now()
        for (ref, key) in keys {
            let sealed: [UInt8]
            do { sealed = try SealedBox.seal(key, to: reader.identity.boxKey) } catch { throw VaultError.io("sealing failed", cause: error) }
            let grant = try ReleasedKey.sign(vault: vault.vaultID, caseID: row.caseID, ref: ref, holder: reader.id, sealed: sealed, granter: member.id,
                                             basis: basis, expires: nil, created: now, key: identity.signer)
            try db.insertReleasedKey(request: row.request, caseID: row.caseID, generation: ref.generation, index: ref.index, holder: reader.id,
                                     grantText: grant.text)
        }
        let stillSealed = head.fields.filter { f in access.canRead(reader, path: f.path) && !keys.contains { $0.ref == f.key } }.count
        var rotated: UInt64?
        if let root = identity.centreRootKey, root.publicKey == vault.rootKey, let current = records.last {
            let boxKeys = try current.holders.map { id throws(VaultError) in try activeMember(id, in: state).identity.boxKey }
            rotated = try setup(db, state: state, trustees: current.holders, boxKeys: boxKeys, threshold: current.threshold, root: root).epoch
        }
        let index = try db.logFrontier().size
        try db.insertEscrowStatement(request: row.request, kind: "complete", author: member.id, text: basis + "\n", logIndex: index)
        _ = try appendLogIndexed(db, state: state, action: .recoveryComplete, caseID: row.caseID, detail: [
            "request": row.request, "new-reader": reader.id, "released": String(keys.count), "still-sealed": String(stillSealed),
            "epoch": String(epoch), "rotation": rotated.map { "epoch-\($0)" } ?? "needed",
        ])
        return .recovered(released: keys.count, stillSealed: stillSealed, rotatedTo: rotated)
    }
}
