import Foundation

import AccessPolicy
import SodiumKit

/// Break-glass (docs/FORMAT.md, "Recovery and break-glass"): a leader opens named fields of a
/// case for a few minutes, with a second member who reads them, or alone with the root key
/// file and a written reason. In every path the `breakglass.open` entry commits before any
/// key is released, and a decrypted field is returned only after its `case.read` entry commits.
struct BreakGlassOperations: SessionBound {
    let session: Session

    /// `breakglass setup`: a new break-glass epoch, its seed nested-sealed root box ∘ leader for
    /// every active leader. Root only; run again after the leaders change. `notCovered` names
    /// the cases sealed before it: each is covered once a reader of its fields re-seals it.
    func setup() throws(VaultError) -> (epoch: UInt64, breakers: [String], notCovered: [CaseID]) {
        let root = try requireRoot(for: "breakglass setup")
        let rootBox: BoxSecretKey
        do { rootBox = try root.derivedBoxKey(domain: BreakGlassRules.rootBoxDomain) } catch { throw .io("cannot derive the root box key", cause: error) }
        let made = try vault.write { db in
            let state = try currentState(db)
            let breakers = state.roster.members.filter { !$0.isRevoked && BreakGlassRules.mayBreakGlass($0) }
            let record = try newEscrowEpoch(db, kind: .breakglass, holders: breakers.map(\.id), threshold: 1, root: root) { seed in
                try breakers.map { ($0.id, try NestedSeal.seal(seed, to: [rootBox.publicKey, $0.identity.boxKey])) }
            }
            _ = try appendLogIndexed(db, state: state, action: .breakglassSetup, caseID: nil, detail: [
                "epoch": String(record.epoch), "breakers": breakers.map(\.id).joined(separator: "+"),
                "record-hash": Hex.encode(record.statement.hash(kind: "escrow-key")),
            ])
            return (record.epoch, breakers.map(\.id), record.label)
        }
        return (made.0, made.1, try casesNotCovered(label: made.2))
    }

    /// Writes and logs a request (one transaction). Alone mode also logs `breakglass.open` in it.
    func request(_ caseID: CaseID, fields: [String], minutes: Int, reasonCode: String, reason: String?,
                 mode: BreakGlassMode) throws(VaultError) -> String {
        guard BreakGlassRules.mayBreakGlass(member) else { throw .denied("\(member.id) may not break glass (leaders only)") }
        guard BreakGlassRules.reasonCodes.contains(reasonCode) else {
            throw .input("reason code must be one of \(BreakGlassRules.reasonCodes.joined(separator: ", "))")
        }
        guard (1...BreakGlassRules.maxMinutes).contains(minutes) else { throw .input("minutes must be 1 to \(BreakGlassRules.maxMinutes)") }
        guard !fields.isEmpty, Set(fields).count == fields.count else { throw .input("name the fields needed, each once") }
        if mode == .alone {
            guard let reason, !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw .input("breaking glass alone needs a written reason (--reason-file)")
            }
            _ = try requireRoot(for: "breaking glass alone")
        }
        return try vault.write { db in
            let state = try currentState(db)
            let chain = try verifiedChain(caseID, state: state, db: db)
            let head = chain.last!
            let present = Set(head.fields.map(\.path))
            for f in fields where !present.contains(f) { throw VaultError.input("case \(caseID) holds no field \(f)") }
            if mode == .alone {
                guard let record = try vault.escrowKeyRecords(db, kind: .breakglass).last,
                      try db.escrowWrap(kind: "breakglass", epoch: record.epoch, holder: member.id) != nil else {
                    throw VaultError.refused("no break-glass key is sealed to \(member.id) (`casevault breakglass setup`)")
                }
                // Refused before anything is recorded: an opening that could show nothing is no use.
                let uncovered = BreakGlassCoverage.uncovered(fields, head: head, chain: chain, label: record.label)
                guard uncovered.isEmpty else {
                    throw VaultError.refused("the break-glass key does not open \(uncovered.joined(separator: ", ")) of case \(caseID): the case was sealed before `breakglass setup`; it is covered once a reader of those fields opens it (or runs `casevault case reseal`), or ask for an approved break-glass (`breakglass request`)")
                }
            }
            let id = Hex.encode(Random.bytes(16))
            let s = try EscrowStatement.sign(header: BreakGlassRequest.header, fields: [
                ("vault", vault.vaultID.hex), ("request", id), ("case", caseID.hex), ("case-version", String(head.version)),
                ("breaker", member.id), ("mode", mode.rawValue), ("reason-code", reasonCode), ("fields", EscrowText.list(fields)),
                ("minutes", String(minutes)), ("created", clock.now().rfc3339),
            ], domain: BreakGlassRequest.domain, key: identity.signer)
            let hash = Hex.encode(s.hash(kind: "breakglass-request"))
            try db.insertEscrowRequest(request: id, kind: "breakglass", caseID: caseID, text: s.text, logIndex: try db.logFrontier().size)
            _ = try appendLogIndexed(db, state: state, action: .breakglassRequest, caseID: caseID, fields: CaseRecord.order(fields), detail: [
                "request": id, "request-hash": hash, "mode": mode.rawValue, "reason-code": reasonCode, "minutes": String(minutes),
            ], reason: reason)
            if mode == .alone { try logOpening(db, state: state, id: id, caseID: caseID, hash: hash, breaker: member.id, minutes: minutes) }
            return id
        }
    }

    private func logOpening(_ db: StoreTransaction, state: VaultState, id: String, caseID: CaseID, hash: String, breaker: String, minutes: Int) throws {
        let index = try db.logFrontier().size
        try db.insertEscrowStatement(request: id, kind: "open", author: member.id, text: hash + "\n", logIndex: index)
        _ = try appendLogIndexed(db, state: state, action: .breakglassOpen, caseID: caseID, detail: [
            "request": id, "request-hash": hash, "breaker": breaker, "minutes": String(minutes),
        ])
    }

    /// Alone mode, after the request and its opening committed: peel the wrap (root box, then
    /// own key), open the break-glass envelopes of the requested fields' classes and release
    /// them to the breaker's own key.
    func releaseAlone(_ id: String) throws(VaultError) {
        let root = try requireRoot(for: "breaking glass alone")
        try vault.write { db in
            let state = try currentState(db)
            let r = try BreakGlassRequest.load(db, id, vault: vault.vaultID, roster: state.roster)
            guard r.mode == .alone, r.breaker == member.id, let opening = r.opening else { throw VaultError.refused("break-glass \(id) is not open for \(member.id) alone") }
            let logged = try requireLogged(db, index: opening.logIndex, action: .breakglassOpen, hash: r.hash)
            guard let record = try vault.escrowKeyRecords(db, kind: .breakglass).last,
                  let wrap = try db.escrowWrap(kind: "breakglass", epoch: record.epoch, holder: member.id) else {
                throw VaultError.refused("no break-glass key is sealed to \(member.id)")
            }
            let bgKey: BoxSecretKey
            do {
                let rootBox = try root.derivedBoxKey(domain: BreakGlassRules.rootBoxDomain)
                let middle = try SealedBox.open(wrap, with: rootBox).withUnsafeBytes { [UInt8]($0) }
                bgKey = try BoxSecretKey(seed: try identity.boxOpener.openSealedBox(middle))
            } catch { throw VaultError.auth("the break-glass wrap does not open with this root key and member key", cause: error) }
            guard bgKey.publicKey == record.publicKey else { throw VaultError.auth("the break-glass seed is not epoch \(record.epoch)'s (tampered wrap)") }
            let chain = try verifiedChain(r.caseID, state: state, db: db)
            let keys = try openEscrowedKeys(Self.refs(of: r.fields, in: chain.last!), chain: chain, caseID: r.caseID, label: record.label, key: bgKey)
            try release(db, state: state, r, keys: keys, expires: Timestamp(seconds: logged.time.seconds + r.minutes * 60))
        }
    }

    /// Approved mode: a member other than the breaker, who reads every requested field,
    /// approves (signed, logged, committed with the opening), then releases those fields' keys.
    func approve(_ id: String) throws(VaultError) {
        try vault.write { db in
            let state = try currentState(db)
            let r = try BreakGlassRequest.load(db, id, vault: vault.vaultID, roster: state.roster)
            try requireLogged(db, index: r.row.logIndex, action: .breakglassRequest, hash: r.hash)
            guard r.mode == .approved else { throw VaultError.refused("break-glass \(id) was opened alone; it needs no approval") }
            guard r.breaker != member.id else { throw VaultError.denied("the breaker may not approve their own break-glass") }
            guard r.opening == nil else { throw VaultError.refused("break-glass \(id) is already approved") }
            // Checked on the envelopes, without decrypting anything: the approver's client shows no value.
            guard try reaches(r.caseID, state: state, db: db) else { throw VaultError.notFound("case \(r.caseID) not found") }
            let chain = try verifiedChain(r.caseID, state: state, db: db)
            for f in r.fields {
                guard let field = chain.last!.fields.first(where: { $0.path == f }),
                      chain[Int(field.key.generation - 1)].classes.first(where: { $0.index == field.key.index })?.envelopes
                          .contains(where: { $0.member == member.id }) == true
                else { throw VaultError.denied("\(member.id) does not read \(f), so cannot release it") }
            }
            let approval = try EscrowStatement.sign(header: BreakGlassRequest.approvalHeader, fields: [
                ("vault", vault.vaultID.hex), ("request", id), ("request-hash", Hex.encode(r.hash)), ("approver", member.id),
                ("decided", clock.now().rfc3339),
            ], domain: BreakGlassRequest.approvalDomain, key: identity.signer)
            let index = try db.logFrontier().size
            try db.insertEscrowStatement(request: id, kind: "approval", author: member.id, text: approval.text, logIndex: index)
            _ = try appendLogIndexed(db, state: state, action: .breakglassApprove, caseID: r.caseID, detail: [
                "request": id, "request-hash": Hex.encode(r.hash), "approval-hash": Hex.encode(approval.hash(kind: "breakglass-approval")),
            ])
            try logOpening(db, state: state, id: id, caseID: r.caseID, hash: Hex.encode(r.hash), breaker: r.breaker, minutes: Int(r.minutes))
        }
        // The opening has committed: only now are keys released.
        try vault.write { db in
            let state = try currentState(db)
            let r = try BreakGlassRequest.load(db, id, vault: vault.vaultID, roster: state.roster)
            guard let opening = r.opening else { throw VaultError.refused("break-glass \(id) is not open") }
            let logged = try requireLogged(db, index: opening.logIndex, action: .breakglassOpen, hash: r.hash)
            let chain = try verifiedChain(r.caseID, state: state, db: db)
            let keys = try openEscrowedKeys(Self.refs(of: r.fields, in: chain.last!), chain: chain, caseID: r.caseID, label: member.id,
                                            key: identity.boxOpener)
            try release(db, state: state, r, keys: keys, expires: Timestamp(seconds: logged.time.seconds + r.minutes * 60))
        }
    }

    static func refs(of fields: [String], in head: CaseVersion) -> [CaseVersion.KeyRef] {
        var refs: [CaseVersion.KeyRef] = []
        for f in head.fields where fields.contains(f.path) && !refs.contains(f.key) { refs.append(f.key) }
        return refs
    }

    private func release(_ db: StoreTransaction, state: VaultState, _ r: BreakGlassRequest, keys: [(ref: CaseVersion.KeyRef, key: SymmetricKey)],
                         expires: Timestamp) throws {
        let breaker = try activeMember(r.breaker, in: state)
        for (ref, key) in keys {
            let sealed: [UInt8]
            do { sealed = try SealedBox.seal(key, to: breaker.identity.boxKey) } catch { throw VaultError.io("sealing failed", cause: error) }
            let grant = try ReleasedKey.sign(vault: vault.vaultID, caseID: r.caseID, ref: ref, holder: breaker.id, sealed: sealed, granter: member.id,
                                             basis: "breakglass:" + r.id, expires: expires, created: clock.now(), key: identity.signer)
            try db.insertReleasedKey(request: r.id, caseID: r.caseID, generation: ref.generation, index: ref.index, holder: breaker.id, grantText: grant.text)
        }
        _ = try appendLogIndexed(db, state: state, action: .breakglassRelease, caseID: r.caseID, detail: [
            "request": r.id, "request-hash": Hex.encode(r.hash), "keys": String(keys.count),
        ])
    }

    /// The breaker reads the requested fields, and nothing else, until the opening's time plus
    /// the request's minutes. The read is logged (`case.read`, `breakglass=<id>`) before it is
    /// returned; after expiry the released keys are deleted and the read refused.
    func show(_ id: String, reason: String?) throws(VaultError) -> BreakGlassView {
        let result: Result<BreakGlassView, VaultError> = try vault.write { db in
            let state = try currentState(db)
            let r = try BreakGlassRequest.load(db, id, vault: vault.vaultID, roster: state.roster)
            guard r.breaker == member.id else { throw VaultError.denied("only the breaker reads what a break-glass released") }
            guard let opening = r.opening else { throw VaultError.refused("break-glass \(id) is not open (not approved yet)") }
            let logged = try requireLogged(db, index: opening.logIndex, action: .breakglassOpen, hash: r.hash)
            let expires = Timestamp(seconds: logged.time.seconds + r.minutes * 60)
            guard clock.now() < expires else {
                try db.deleteReleasedKeys(request: id)
                return .failure(VaultError.refused("break-glass \(id) expired at \(expires); its keys are deleted"))
            }
            var released: [CaseVersion.KeyRef: [UInt8]] = [:]
            for row in try db.releasedKeys(caseID: r.caseID, holder: member.id) where row.request == id {
                let grant = try ReleasedKey.parse(row.grantText, vault: vault.vaultID, caseID: r.caseID, roster: state.roster)
                guard grant.basis == "breakglass:" + id, grant.holder == member.id, grant.expires == expires,
                      grant.granter == (r.mode == .alone ? r.breaker : r.approver),
                      grant.ref == CaseVersion.KeyRef(generation: row.generation, index: row.index) else {
                    throw VaultError.auth("a key released under break-glass \(id) does not match its request (tampered)")
                }
                released[grant.ref] = grant.sealed
            }
            // Only the requested fields are handed to the opener: nothing else is even decrypted.
            var chain = try verifiedChain(r.caseID, state: state, db: db)
            chain[chain.count - 1].fields.removeAll { !r.fields.contains($0.path) }
            var opener = Opener(vaultID: vault.vaultID, roster: state.roster, policies: state.policies)
            opener.grantedBoxes = released
            opener.vaultDirectory = vault.directory
            let opened = try opener.open(chain, caseID: r.caseID, reader: member, key: identity.boxOpener)
            guard !opened.fields.isEmpty else {
                return .failure(VaultError.refused("break-glass \(id) opens none of its fields: no key for them was released (sealed before `breakglass setup`?)"))
            }
            try vault.appendLog(db, state: state, session: session, action: .caseRead, caseID: r.caseID,
                                fields: CaseRecord.order(Array(opened.fields.keys)),
                                detail: ["version": String(opened.latest.version), "breakglass": id], reason: reason)
            return .success(BreakGlassView(request: id, opened: opened, expires: expires))
        }
        return try result.get()
    }

    /// A second person (leader or auditor, neither breaker nor approver) reviews a break-glass.
    /// A `comment` is sealed like a reason: only its commitment enters the access log.
    func review(_ id: String, justified: Bool, comment: String?) throws(VaultError) {
        guard BreakGlassRules.mayReview(member) else { throw .denied("\(member.id) may not review break-glass (leaders and the auditor)") }
        try vault.write { db in
            let state = try currentState(db)
            let r = try BreakGlassRequest.load(db, id, vault: vault.vaultID, roster: state.roster)
            guard r.breaker != member.id, r.approver != member.id else { throw VaultError.denied("a break-glass is reviewed by someone other than its breaker and approver") }
            guard r.review == nil else { throw VaultError.refused("break-glass \(id) is already reviewed") }
            let outcome = justified ? "justified" : "not-justified"
            let review = try EscrowStatement.sign(header: BreakGlassRequest.reviewHeader, fields: [
                ("vault", vault.vaultID.hex), ("request", id), ("request-hash", Hex.encode(r.hash)), ("reviewer", member.id),
                ("outcome", outcome), ("reviewed", clock.now().rfc3339),
            ], domain: BreakGlassRequest.reviewDomain, key: identity.signer)
            let index = try db.logFrontier().size
            try db.insertEscrowStatement(request: id, kind: "review", author: member.id, text: review.text, logIndex: index)
            _ = try appendLogIndexed(db, state: state, action: .breakglassReview, caseID: r.caseID, detail: [
                "request": id, "request-hash": Hex.encode(r.hash), "outcome": outcome, "breaker": r.breaker,
            ], reason: comment)
        }
    }
}
