import AccessPolicy
import SodiumKit

/// Builds and signs one case version: fields grouped into access classes by reader set, one
/// fresh key per class sealed to each reader, each field encrypted under its class key.
package struct Sealer {
    var vaultID: VaultID
    var caseID: CaseID
    var version: UInt64
    var parentHash: [UInt8]
    var author: RosterEntry
    var created: Timestamp
    var roster: Roster
    var policy: Policy
    var assignments: [CaseVersion.Assignment]
    /// The role keys to seal to (from the vault state the version is written under).
    var roleKeys: VaultState?
    /// Recovery and break-glass keys: every class key is sealed to them as well.
    package var escrow: [EscrowRecipient] = []

    package init(vaultID: VaultID, caseID: CaseID, version: UInt64, parentHash: [UInt8], author: RosterEntry,
                 created: Timestamp, roster: Roster, policy: Policy, assignments: [CaseVersion.Assignment], roleKeys: VaultState? = nil) {
        self.vaultID = vaultID
        self.caseID = caseID
        self.version = version
        self.parentHash = parentHash
        self.author = author
        self.created = created
        self.roster = roster
        self.policy = policy
        self.assignments = assignments
        self.roleKeys = roleKeys
    }

    /// `fresh` is encrypted anew (written in this version); `resealing` paths keep their value,
    /// σ, origin and commitment from `opened` but move to this version's keys (for the current
    /// recipients); `carried` fields (which the author cannot read) are kept as they are.
    package func seal(fresh: [String: FieldValue], carried: [CaseVersion.Field], written: [String], removed: [String],
                      resealing: [String] = [], from opened: OpenedCase? = nil,
                      signingKey: any MessageSigner) throws(VaultError) -> SealedVersion {
        try RecordLimits.checkFieldCount(fresh.count + carried.count + resealing.count)
        let access = CaseAccess(policy: policy, roster: roster, assignments: assignments)
        let recipients = try roleKeys.map { s throws(VaultError) in try Recipients(access: access, state: s) }
        // Group paths by reader set: public-key work grows with classes × readers, not fields × readers.
        var classOf: [[String]: UInt32] = [:]
        var classReaders: [[String]] = []
        var pathClass: [(String, UInt32)] = []
        var readersByPattern: [String: [String]] = [:]  // reader sets depend on the pattern only, not the index
        for path in (Array(fresh.keys) + resealing).sorted() {
            let pattern = FieldCatalog.pattern(ofPath: path) ?? path
            let readers: [String]
            if let known = readersByPattern[pattern] { readers = known } else {
                readers = recipients?.labels(of: pattern) ?? access.readers(of: pattern)
                readersByPattern[pattern] = readers
            }
            guard !readers.isEmpty else {
                throw .denied("nobody on the roster could read \(path) in this case; assign a member whose role may read it first")
            }
            let index: UInt32
            if let known = classOf[readers] { index = known } else {
                index = UInt32(classReaders.count)
                classOf[readers] = index
                classReaders.append(readers)
            }
            pathClass.append((path, index))
        }
        let format = CaseVersion.currentFormat
        var classes: [CaseVersion.AccessClass] = []
        var keys: [SymmetricKey] = []
        do {
            for (i, readers) in classReaders.enumerated() {
                let key = try SymmetricKey.generate()
                let ref = CaseVersion.KeyRef(generation: version, index: UInt32(i))
                var envelopes: [CaseVersion.Envelope] = []
                for label in readers {
                    guard let box = recipients?.boxKey(for: label) ?? roster.entry(label)?.identity.boxKey else { continue }
                    envelopes.append(.init(member: label, sealedKey: try SealedBox.seal(key, to: box)))
                }
                for e in escrow { envelopes.append(.init(member: e.label, sealedKey: try SealedBox.seal(key, to: e.key))) }
                classes.append(.init(index: UInt32(i), commitment: CaseVersion.commitment(to: key, vault: vaultID, caseID: caseID, ref: ref, format: format),
                                     envelopes: envelopes))
                keys.append(key)
            }
            let previous = Dictionary(uniqueKeysWithValues: (opened?.latest.fields ?? []).map { ($0.path, $0) })
            var fields = carried
            for (path, index) in pathClass {
                let ref = CaseVersion.KeyRef(generation: version, index: index)
                let value = fresh[path] ?? opened?.fields[path]
                guard let value else { throw VaultError.input("\(path) cannot be re-sealed: its value is not open") }
                var plain = value.encoded()
                defer { Memory.zero(&plain) }
                guard plain.count <= RecordLimits.maxFieldPlaintextBytes else {
                    throw VaultError.input("\(path) holds \(plain.count) bytes; at most \(RecordLimits.maxFieldPlaintextBytes) are allowed")
                }
                if fresh[path] != nil {
                    fields.append(try FieldCrypto.seal(value: plain, path: path, origin: version, ref: ref, key: keys[Int(index)], vault: vaultID, caseID: caseID))
                    continue
                }
                // Re-seal: same σ, so the same commitment the original writer signed.
                guard let old = previous[path], let opened else { throw VaultError.input("\(path) cannot be re-sealed: it is not in the case") }
                let field = try opened.withSigma(path) { sigma throws(VaultError) in
                    try FieldCrypto.seal(value: plain, path: path, origin: old.origin, ref: ref, key: keys[Int(index)], vault: vaultID, caseID: caseID, sigma: sigma)
                }
                guard let field, Memory.constantTimeEquals(field.vc, old.vc) else {
                    throw VaultError.input("\(path) cannot be re-sealed: it has no value commitment (a format-1 field)")
                }
                fields.append(field)
            }
            fields.sort { $0.path < $1.path }
            let v = CaseVersion(
                format: format, vaultID: vaultID, caseID: caseID, version: version, parentHash: parentHash, author: author.id, created: created,
                rosterSerial: roster.serial, policySerial: UInt64(policy.serial), assignments: assignments.sorted(),
                written: written.sorted(), removed: removed.sorted(), classes: classes, fields: fields)
            try v.checkDecodable()
            let body = v.encoded()
            guard body.count <= RecordLimits.maxVersionBytes else {
                throw VaultError.input("the case version would be \(body.count) bytes; at most \(RecordLimits.maxVersionBytes) are allowed")
            }
            return SealedVersion(version: v, body: body, signature: try signingKey.signature(for: CaseVersion.signedMessage(body)))
        } catch let e as VaultError { throw e } catch { throw .io("sealing failed: \(error)") }
    }
}

/// A version with its encoding and the author's signature, as stored.
package struct SealedVersion: Sendable {
    package var version: CaseVersion
    package var body: [UInt8]
    package var signature: [UInt8]

    var chainHash: [UInt8] { CaseVersion.chainHash(body: body, signature: signature) }
}
