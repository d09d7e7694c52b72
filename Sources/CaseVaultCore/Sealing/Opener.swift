import AccessPolicy
import SodiumKit

/// Verifies a case's chain of versions and decrypts what one reader may read.
/// Nothing is decrypted before every signature, the chain and the authors' rights have been checked.
package struct Opener {
    var vaultID: VaultID
    var roster: Roster
    /// Policies by serial: each version is judged by the policy it was written under.
    var policies: [Int: Policy]
    /// Every roster by serial (index serial − 1): a version's author is judged by the roster it
    /// was written under, so a later revocation never makes it unreadable. Empty: only `roster`.
    var rosters: [Roster] = []
    /// The reader's clock: a version dated far ahead of it comes from a wrong (or lying) clock.
    var now: Timestamp = .now()
    /// Grants (Sealing/GrantLedger.swift): boxes the reader may use where they have no envelope,
    /// members who held a key through a grant, and grants refused before opening.
    var grantedBoxes: [CaseVersion.KeyRef: [UInt8]] = [:]
    var grantHolders: [CaseVersion.KeyRef: Set<String>] = [:]
    var refusedGrants: [String] = []
    /// The vault's folder, named to a key agent so it can find the opening's log entry.
    var vaultDirectory = ""

    package init(vaultID: VaultID, roster: Roster, policies: [Int: Policy], rosters: [Roster] = [], now: Timestamp = .now()) {
        self.vaultID = vaultID
        self.roster = roster
        self.policies = policies
        self.rosters = rosters
        self.now = now
    }

    /// Checks signatures, parent hashes, numbering and each author's right to write what they wrote.
    package func verifyChain(_ stored: [StoredVersion], caseID: CaseID) throws(VaultError) -> [CaseVersion] {
        var out: [CaseVersion] = []
        var parent = [UInt8](repeating: 0, count: 32)
        for (i, row) in stored.enumerated() {
            let v = try CaseVersion.decode(row.body)
            let label = "case \(caseID) version \(i + 1)"
            guard v.vaultID == vaultID, v.caseID == caseID, v.version == UInt64(i + 1), row.version == v.version else {
                throw .auth("\(label) does not belong here (moved or renumbered)")
            }
            guard Memory.constantTimeEquals(v.parentHash, parent) else { throw .auth("\(label) does not follow its parent (history altered)") }
            // Revocation takes effect at its roster serial, not at a time some clock wrote down:
            // the author must be an active member of the roster the version was written under.
            let atWriting = v.rosterSerial >= 1 && v.rosterSerial <= UInt64(rosters.count) ? rosters[Int(v.rosterSerial - 1)] : roster
            // A resident of a migrated vault left the roster without being revoked: her earlier
            // versions are judged by the roster they were written under, like a revoked author's.
            guard let author = roster.entry(v.author) ?? atWriting.entry(v.author), author.kind == .member else {
                throw .auth("\(label): author \(v.author) is not on the signed roster")
            }
            guard let then = atWriting.entry(v.author), then.kind == .member, then.identity == author.identity, then.revoked == nil else {
                throw .auth("\(label): author \(v.author) was not an active member of roster \(v.rosterSerial), under which it was written (revoked)")
            }
            // A version's date carries no authority (its log position and roster serial do): a
            // date from a wrong clock is shown flagged (`OpenedCase.datingWarnings`), never refused.
            do { try author.identity.signingKey.verify(row.signature, for: CaseVersion.signedMessage(row.body)) } catch {
                throw .auth("\(label): signature does not verify")
            }
            guard let serial = Int(exactly: v.policySerial), let policy = policies[serial] else { throw .auth("\(label) names unknown policy \(v.policySerial)") }
            let before = out.last?.assignments ?? v.assignments
            let access = CaseAccess(policy: policy, roster: roster, assignments: before)
            var checked = Set<String>()  // rights depend on the pattern only, not the index
            for path in v.written + v.removed {
                guard let pattern = FieldCatalog.pattern(ofPath: path), FieldCatalog.spec(forPattern: pattern) != nil else {
                    throw .auth("\(label) names unknown field \(path)")
                }
                guard checked.insert(pattern).inserted else { continue }
                if case let .denied(reason) = access.writeDecision(author, path: pattern) { throw .auth("\(label): \(reason)") }
            }
            if let prior = out.last, prior.assignments != v.assignments {
                guard Assigning.mayAssign(author, in: access) else { throw .auth("\(label): \(v.author) may not change assignments") }
            }
            // Policies and rosters only grow: a version never names an older one than its parent
            // (a downgrade to a laxer policy), nor a roster the vault no longer has (a rolled-back roster).
            if let prior = out.last, v.format < prior.format {
                throw .auth("\(label) is in case version format \(v.format), older than the version before it")
            }
            if let prior = out.last, v.policySerial < prior.policySerial || v.rosterSerial < prior.rosterSerial {
                throw .auth("\(label) names an older policy or roster than the version before it")
            }
            guard v.rosterSerial <= roster.serial else {
                throw .auth("\(label) was written under roster \(v.rosterSerial), newer than the vault's roster \(roster.serial) (rolled back)")
            }
            try checkFieldsConsistent(v, author: author, authorRoles: then.roles, access: access, previous: out, label: label)
            out.append(v)
            parent = CaseVersion.chainHash(body: row.body, signature: row.signature)
        }
        guard !out.isEmpty else { throw .notFound("case \(caseID) not found") }
        return out
    }

    /// Fields written in this version use its own keys; carried fields must be byte-identical
    /// to the previous version's entry, so an author cannot forge an "old" ciphertext. The
    /// `written` and `removed` lists must tell the whole story: a path appears, or disappears,
    /// only when listed, and a field the author did not write may be re-sealed (to a new reader
    /// set) only when the author held its key, so nobody replaces what they could not even read.
    private func checkFieldsConsistent(_ v: CaseVersion, author: RosterEntry, authorRoles: [Role], access: CaseAccess, previous: [CaseVersion], label: String) throws(VaultError) {
        guard let parent = previous.last else {
            // A first version writes every field it holds under its own keys.
            var last: String?
            for f in v.fields {
                if let last, !(last < f.path) { throw .auth("\(label) lists its fields out of order or twice (\(f.path))") }
                last = f.path
                guard f.origin == 1, f.key.generation == 1, v.classes.contains(where: { $0.index == f.key.index }) else {
                    throw .auth("\(label): field \(f.path) names a key this version does not define")
                }
                try Self.checkCommitmentPresence(f, format: v.format, label: label)
            }
            guard v.written.count == v.fields.count, v.removed.isEmpty else { throw .auth("\(label): written list does not match its fields") }
            return
        }
        let prior = Dictionary(uniqueKeysWithValues: parent.fields.map { ($0.path, $0) })
        let written = Set(v.written)
        var last: String?
        for f in v.fields {
            // Strictly increasing paths: sorted, and no path twice.
            if let last, !(last < f.path) { throw .auth("\(label) lists its fields out of order or twice (\(f.path))") }
            last = f.path
            let keyFormat = f.key.generation == v.version ? v.format : Self.format(ofGeneration: f.key.generation, in: previous)
            try Self.checkCommitmentPresence(f, format: keyFormat, label: label)
            if f.origin == v.version {
                guard f.key.generation == v.version, v.classes.contains(where: { $0.index == f.key.index }) else {
                    throw .auth("\(label): field \(f.path) names a key this version does not define")
                }
                if !written.contains(f.path) {
                    guard let old = prior[f.path] else { throw .auth("\(label): field \(f.path) appears without being listed as written") }
                    guard held(old.key, by: author.id, roles: authorRoles, in: previous) else {
                        throw .auth("\(label): \(author.id) re-sealed \(f.path) without holding its key")
                    }
                    // Re-sealing re-encrypts, so it could change the value: only a writer may do it.
                    guard access.writeDecision(author, path: f.path).isAllowed else {
                        throw .auth("\(label): \(author.id) re-sealed \(f.path), which they may not write")
                    }
                } else if let old = prior[f.path], !held(old.key, by: author.id, roles: authorRoles, in: previous) {
                    throw .auth("\(label): \(author.id) overwrote \(f.path) without being able to read it")
                }
            } else if let old = prior[f.path], old == f {
                continue  // carried forward byte for byte
            } else {
                try checkResealed(f, v, author: author, access: access, previous: previous, label: label)
            }
        }
        let removed = Set(v.removed)
        for path in removed {
            if let old = prior[path], !held(old.key, by: author.id, roles: authorRoles, in: previous) {
                throw .auth("\(label): \(author.id) removed \(path) without being able to read it")
            }
        }
        let present = Set(v.fields.map(\.path))
        for path in prior.keys where !present.contains(path) && !removed.contains(path) {
            throw .auth("\(label): field \(path) disappeared without being listed as removed")
        }
    }

    /// A field re-sealed in `v`: same origin and value commitment as the entry its origin
    /// version wrote, now under one of `v`'s keys. Anyone who held the old key and may read the
    /// path now may do this (a reader re-seals when a removal left the head stale): the signed
    /// commitment, checked against the plaintext by every reader who decrypts it, keeps them from
    /// changing the value.
    private func checkResealed(_ f: CaseVersion.Field, _ v: CaseVersion, author: RosterEntry, access: CaseAccess,
                               previous: [CaseVersion], label: String) throws(VaultError) {
        guard let old = previous.last?.fields.first(where: { $0.path == f.path }), old.origin == f.origin,
              f.origin >= 1, f.origin <= UInt64(previous.count)
        else { throw .auth("\(label): field \(f.path) claims an earlier version but differs from it") }
        let origin = previous[Int(f.origin - 1)]
        guard origin.format >= 2, let written = origin.fields.first(where: { $0.path == f.path }), written.origin == f.origin,
              written.vc == f.vc, old.vc == f.vc
        else { throw .auth("\(label): re-sealed field \(f.path) does not keep the value commitment of version \(f.origin)") }
        guard f.key.generation == v.version, v.classes.contains(where: { $0.index == f.key.index }) else {
            throw .auth("\(label): field \(f.path) names a key this version does not define")
        }
        guard held(old.key, by: author.id, roles: author.roles, in: previous) else {
            throw .auth("\(label): \(author.id) re-sealed \(f.path) without holding its key")
        }
        guard access.canRead(author, path: FieldCatalog.pattern(ofPath: f.path) ?? f.path) else {
            throw .auth("\(label): \(author.id) re-sealed \(f.path), which they may no longer read")
        }
    }

    /// A format-2 field carries a value commitment; a field under a format-1 key has none.
    private static func checkCommitmentPresence(_ f: CaseVersion.Field, format: UInt8, label: String) throws(VaultError) {
        guard (format >= 2) != (f.vc == CaseVersion.noCommitment) else {
            throw .auth("\(label): field \(f.path) has a value commitment that does not fit its key's format")
        }
    }

    /// The format of the version that defined key generation `g` (checked to exist later).
    static func format(ofGeneration g: UInt64, in chain: [CaseVersion]) -> UInt8 {
        g >= 1 && g <= UInt64(chain.count) ? chain[Int(g - 1)].format : 1
    }

    /// Whether `member`, holding `roles` when they wrote, had an envelope (their own, or one of a
    /// role they held) or an authentic grant for the class key `ref` (so could read its fields).
    private func held(_ ref: CaseVersion.KeyRef, by member: String, roles: [Role], in chain: [CaseVersion]) -> Bool {
        guard ref.generation >= 1, ref.generation <= UInt64(chain.count) else { return false }
        if grantHolders[ref]?.contains(member) == true { return true }
        return chain[Int(ref.generation - 1)].classes.first { $0.index == ref.index }?.envelopes.contains { e in
            e.member == member || RoleKeys.parseLabel(e.member).map { roles.contains($0.role) } ?? false
        } ?? false
    }

    /// Decrypts the latest version's fields that `reader` holds keys for, into one secure arena.
    package func open(_ chain: [CaseVersion], caseID: CaseID, reader: RosterEntry, key: any SealedBoxOpener,
                      roleKeys: RoleKeyring = .none) throws(VaultError) -> OpenedCase {
        let latest = chain.last!
        // A case has a handful of key generations: a short list beats hashing for every field.
        var refused = refusedGrants
        let classKeys = try unsealClassKeys(latest.fields.map(\.key), in: chain, caseID: caseID, reader: reader, key: key, roleKeys: roleKeys,
                                            refusedGrants: &refused)
        var readable: [(field: CaseVersion.Field, key: SymmetricKey)] = []
        readable.reserveCapacity(latest.fields.count)
        var sealed: [CaseVersion.Field] = []
        for f in latest.fields {
            if let k = classKeys.first(where: { $0.ref == f.key })?.key { readable.append((f, k)) } else { sealed.append(f) }
        }
        // One sodium_malloc for the whole case instead of one per field (each is an mmap with guard pages).
        var spans: [(path: String, start: Int, count: Int)] = []
        spans.reserveCapacity(readable.count)
        var sigmaAt: [String: Int] = [:]
        var failed: String?
        var problem = FieldCrypto.Problem.decrypt
        let arena: SecureBytes
        do {
            arena = try SecureBytes(count: readable.reduce(0) { $0 + max(0, $1.field.ciphertext.count - XChaCha20Poly1305.tagByteCount) }) { (buffer) throws(CryptoError) in
                var offset = 0
                for (f, k) in readable {
                    failed = f.path
                    let into = UnsafeMutableRawBufferPointer(rebasing: buffer[offset...])
                    if Self.format(ofGeneration: f.key.generation, in: chain) >= 2 {
                        let span: (start: Int, count: Int)
                        do throws(FieldCrypto.Problem) { span = try FieldCrypto.open(f, key: k, vault: vaultID, caseID: caseID, into: into) } catch {
                            problem = error
                            throw CryptoError.authenticationFailed
                        }
                        sigmaAt[f.path] = offset
                        spans.append((f.path, offset + span.start, span.count))
                        offset += f.ciphertext.count - XChaCha20Poly1305.tagByteCount
                        continue
                    }
                    let ad = CaseVersion.associatedData(vault: vaultID, caseID: caseID, origin: f.origin, key: f.key, path: f.path)
                    let n = try XChaCha20Poly1305.open(f.ciphertext, key: k, nonce: f.nonce, associatedData: ad, into: into)
                    spans.append((f.path, offset, n))
                    offset += n
                }
                failed = nil
            }
        } catch {
            let what = switch problem {
            case .decrypt: "failed to decrypt (tampered)"
            case .padding: "has malformed padding (tampered)"
            case .commitment: "does not match its value commitment (altered)"
            }
            throw .auth("field \(failed ?? "?") of case \(caseID) \(what)")
        }
        var fields: [String: FieldValue] = [:]
        fields.reserveCapacity(spans.count)
        try arena.withUnsafeBytes { all throws(VaultError) in
            for s in spans { fields[s.path] = try FieldValue.decode(UnsafeRawBufferPointer(rebasing: all[s.start..<s.start + s.count])) }
        }
        return OpenedCase(caseID: caseID, chain: chain, fields: fields, sealedFields: sealed, secrets: arena, sigmaAt: sigmaAt, refusedGrants: refused)
    }

    /// The class keys sealed to `reader` among `refs`, each checked against its commitment; nil
    /// for a class sealed to others. All boxes are opened in one call (one agent round trip).
    private func unsealClassKeys(_ refs: [CaseVersion.KeyRef], in chain: [CaseVersion], caseID: CaseID, reader: RosterEntry,
                                 key: any SealedBoxOpener, roleKeys: RoleKeyring,
                                 refusedGrants: inout [String]) throws(VaultError) -> [(ref: CaseVersion.KeyRef, key: SymmetricKey?)] {
        var distinct: [CaseVersion.KeyRef] = []
        for ref in refs where !distinct.contains(ref) { distinct.append(ref) }
        var wanted: [(ref: CaseVersion.KeyRef, commitment: [UInt8], box: [UInt8], granted: Bool)] = []
        // Envelopes sealed to a role key the reader holds open here, without the member's key.
        var viaRole: [(ref: CaseVersion.KeyRef, commitment: [UInt8], box: [UInt8], key: BoxSecretKey)] = []
        // Envelopes sealed to a role key whose seed a key agent keeps: it opens them itself.
        var viaAgentRole: [(ref: CaseVersion.KeyRef, commitment: [UInt8], box: [UInt8], label: String)] = []
        for ref in distinct {
            guard ref.generation >= 1, ref.generation <= UInt64(chain.count),
                  let cls = chain[Int(ref.generation - 1)].classes.first(where: { $0.index == ref.index })
            else { throw .auth("case \(caseID) names a missing key generation") }
            if let envelope = cls.envelopes.first(where: { $0.member == reader.id }) {
                wanted.append((ref, cls.commitment, envelope.sealedKey, false))
            } else if let (envelope, roleKey) = cls.envelopes.lazy.compactMap({ e in roleKeys.key(for: e.member).map { (e, $0) } }).first {
                viaRole.append((ref, cls.commitment, envelope.sealedKey, roleKey))
            } else if let envelope = cls.envelopes.first(where: { roleKeys.sealedLabels.contains($0.member) }) {
                viaAgentRole.append((ref, cls.commitment, envelope.sealedKey, envelope.member))
            } else if let box = grantedBoxes[ref] { wanted.append((ref, cls.commitment, box, true)) }
        }
        let opened: [SymmetricKey?]
        if let agent = key as? any CaseKeyOpener {
            let items = wanted.map { w in CaseKeyRequest.Item(ref: w.ref, format: Self.format(ofGeneration: w.ref.generation, in: chain),
                                                              commitment: w.commitment, box: w.box, roleLabel: "") }
                + viaAgentRole.map { w in CaseKeyRequest.Item(ref: w.ref, format: Self.format(ofGeneration: w.ref.generation, in: chain),
                                                              commitment: w.commitment, box: w.box, roleLabel: w.label) }
            wanted += viaAgentRole.map { ($0.ref, $0.commitment, $0.box, false) }
            opened = items.isEmpty ? [] : try agent.openCaseKeys(CaseKeyRequest(vaultDirectory: vaultDirectory, vaultID: vaultID, caseID: caseID,
                                                                               items: items, roleSeeds: roleKeys.sealedSeeds))
        } else {
            let secrets: [SecureBytes?]
            do { secrets = try key.openSealedBoxes(wanted.map(\.box)) } catch {
                throw .auth("case \(caseID): a key sealed to \(reader.id) failed to open (tampered or wrong key)", cause: error)
            }
            opened = secrets.map { s in s.flatMap { try? SymmetricKey(secret: $0) } }
        }
        guard opened.count == wanted.count else { throw .auth("case \(caseID): the key opener answered for the wrong number of keys") }
        wanted += viaRole.map { ($0.ref, $0.commitment, $0.box, false) }
        let openedViaRole = viaRole.map { v in (try? SealedBox.open(v.box, with: v.key)).flatMap { try? SymmetricKey(secret: $0) } }
        var keys: [(ref: CaseVersion.KeyRef, key: SymmetricKey?)] = distinct.map { ($0, nil) }
        for (w, opened) in zip(wanted, opened + openedViaRole) {
            // A bad grant is ignored and reported; a bad envelope fails the case as before.
            guard let k = opened else {
                if w.granted { refusedGrants.append("grant of key \(w.ref.generation)/\(w.ref.index) to \(reader.id) does not open"); continue }
                throw .auth("case \(caseID): a key sealed to \(reader.id) failed to open (tampered or wrong key)")
            }
            let format = Self.format(ofGeneration: w.ref.generation, in: chain)
            guard Memory.constantTimeEquals(CaseVersion.commitment(to: k, vault: vaultID, caseID: caseID, ref: w.ref, format: format), w.commitment) else {
                if w.granted { refusedGrants.append("grant of key \(w.ref.generation)/\(w.ref.index) to \(reader.id): key does not match its commitment"); continue }
                throw .auth("case \(caseID): a sealed key does not match its commitment")
            }
            if let i = keys.firstIndex(where: { $0.ref == w.ref }) { keys[i].key = k }
        }
        return keys
    }
}
