import AccessPolicy
import SodiumKit

/// Verifies a case's chain of versions and decrypts what one reader may read.
/// Nothing is decrypted before every signature, the chain and the authors' rights have been checked.
struct Opener {
    var vaultID: VaultID
    var roster: Roster
    /// Policies by serial: each version is judged by the policy it was written under.
    var policies: [Int: Policy]

    /// Checks signatures, parent hashes, numbering and each author's right to write what they wrote.
    func verifyChain(_ stored: [StoredVersion], caseID: CaseID) throws(VaultError) -> [CaseVersion] {
        var out: [CaseVersion] = []
        var parent = [UInt8](repeating: 0, count: 32)
        for (i, row) in stored.enumerated() {
            let v = try CaseVersion.decode(row.body)
            let label = "case \(caseID) version \(i + 1)"
            guard v.vaultID == vaultID, v.caseID == caseID, v.version == UInt64(i + 1), row.version == v.version else {
                throw .auth("\(label) does not belong here (moved or renumbered)")
            }
            guard Memory.constantTimeEquals(v.parentHash, parent) else { throw .auth("\(label) does not follow its parent (history altered)") }
            guard let author = roster.entry(v.author), author.kind == .member else { throw .auth("\(label): author \(v.author) is not on the signed roster") }
            guard author.isActive(at: v.created) else { throw .auth("\(label): author \(v.author) was not active (revoked) when it was written") }
            do { try author.identity.signingKey.verify(row.signature, for: CaseVersion.signatureDomain + row.body) } catch {
                throw .auth("\(label): signature does not verify")
            }
            guard let policy = policies[Int(v.policySerial)] else { throw .auth("\(label) names unknown policy \(v.policySerial)") }
            let before = out.last?.assignments ?? v.assignments
            let access = CaseAccess(policy: policy, roster: roster, assignments: before)
            for path in v.written + v.removed {
                if case let .denied(reason) = access.writeDecision(author, path: path) { throw .auth("\(label): \(reason)") }
            }
            if let prior = out.last, prior.assignments != v.assignments {
                guard Assigning.mayAssign(author, in: access) else { throw .auth("\(label): \(v.author) may not change assignments") }
            }
            try checkFieldsConsistent(v, previous: out)
            out.append(v)
            parent = CaseVersion.chainHash(body: row.body, signature: row.signature)
        }
        guard !out.isEmpty else { throw .notFound("case \(caseID) not found") }
        return out
    }

    /// Fields written in this version use its own keys; carried fields must be byte-identical
    /// to the previous version's entry, so an author cannot forge an "old" ciphertext.
    private func checkFieldsConsistent(_ v: CaseVersion, previous: [CaseVersion]) throws(VaultError) {
        let prior = Dictionary(uniqueKeysWithValues: (previous.last?.fields ?? []).map { ($0.path, $0) })
        var seen = Set<String>()
        for f in v.fields {
            guard seen.insert(f.path).inserted else { throw .auth("case version lists \(f.path) twice") }
            if f.origin == v.version {
                guard f.key.generation == v.version, v.classes.contains(where: { $0.index == f.key.index }) else {
                    throw .auth("field \(f.path) names a key this version does not define")
                }
            } else {
                guard let old = prior[f.path], old == f else { throw .auth("field \(f.path) claims an earlier version but differs from it") }
            }
        }
    }

    /// Decrypts the latest version's fields that `reader` holds keys for.
    func open(_ chain: [CaseVersion], caseID: CaseID, reader: RosterEntry, key: BoxSecretKey) throws(VaultError) -> OpenedCase {
        let latest = chain.last!
        var classKeys: [CaseVersion.KeyRef: SymmetricKey] = [:]
        var unavailable = Set<CaseVersion.KeyRef>()
        var fields: [String: FieldValue] = [:]
        var sealed: [CaseVersion.Field] = []
        for f in latest.fields {
            if unavailable.contains(f.key) { sealed.append(f); continue }
            let classKey: SymmetricKey
            if let k = classKeys[f.key] { classKey = k } else {
                guard let k = try unsealClassKey(f.key, in: chain, caseID: caseID, reader: reader, key: key) else {
                    unavailable.insert(f.key)
                    sealed.append(f)
                    continue
                }
                classKeys[f.key] = k
                classKey = k
            }
            let ad = CaseVersion.associatedData(vault: vaultID, caseID: caseID, origin: f.origin, key: f.key, path: f.path)
            do {
                let plain = try XChaCha20Poly1305.open(f.ciphertext, key: classKey, nonce: f.nonce, associatedData: ad)
                fields[f.path] = try FieldValue.decode(plain)
            } catch { throw .auth("field \(f.path) of case \(caseID) failed to decrypt (tampered)") }
        }
        return OpenedCase(caseID: caseID, chain: chain, fields: fields, sealedFields: sealed)
    }

    private func unsealClassKey(_ ref: CaseVersion.KeyRef, in chain: [CaseVersion], caseID: CaseID, reader: RosterEntry, key: BoxSecretKey) throws(VaultError) -> SymmetricKey? {
        guard ref.generation >= 1, ref.generation <= UInt64(chain.count),
              let cls = chain[Int(ref.generation - 1)].classes.first(where: { $0.index == ref.index })
        else { throw .auth("case \(caseID) names a missing key generation") }
        guard let envelope = cls.envelopes.first(where: { $0.member == reader.id }) else { return nil }
        do {
            let k = try SymmetricKey(secret: try SealedBox.open(envelope.sealedKey, with: key))
            guard Memory.constantTimeEquals(CaseVersion.commitment(to: k, vault: vaultID, caseID: caseID, ref: ref), cls.commitment) else {
                throw VaultError.auth("case \(caseID): a sealed key does not match its commitment")
            }
            return k
        } catch let e as VaultError { throw e } catch {
            throw .auth("case \(caseID): a key sealed to \(reader.id) failed to open (tampered or wrong key)")
        }
    }
}

/// A stored version row.
struct StoredVersion: Sendable {
    var version: UInt64
    var body: [UInt8]
    var signature: [UInt8]
}

/// What one reader sees of a case.
public struct OpenedCase: Sendable {
    public let caseID: CaseID
    public let chain: [CaseVersion]
    /// The fields this reader could decrypt.
    public let fields: [String: FieldValue]
    /// Fields sealed to other readers: their paths are known, their values are not.
    let sealedFields: [CaseVersion.Field]

    public var latest: CaseVersion { chain.last! }
    public var record: CaseRecord { CaseRecord(fields: fields) }
    public var sealedPaths: [String] { CaseRecord.order(sealedFields.map(\.path)) }
}

enum Assigning {
    /// The leader, or a contact person assigned to the case, may change who is assigned.
    static func mayAssign(_ member: RosterEntry, in access: CaseAccess) -> Bool {
        member.roles.contains(.leader) || access.effectiveRoles(of: member).contains(.contactPerson)
    }
}
