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
    /// Recovery and break-glass keys: every class key is sealed to them as well.
    package var escrow: [EscrowRecipient] = []

    package init(vaultID: VaultID, caseID: CaseID, version: UInt64, parentHash: [UInt8], author: RosterEntry,
                 created: Timestamp, roster: Roster, policy: Policy, assignments: [CaseVersion.Assignment]) {
        self.vaultID = vaultID
        self.caseID = caseID
        self.version = version
        self.parentHash = parentHash
        self.author = author
        self.created = created
        self.roster = roster
        self.policy = policy
        self.assignments = assignments
    }

    /// `fresh` is encrypted anew; `carried` fields (which the author cannot read) are kept as they are.
    package func seal(fresh: [String: FieldValue], carried: [CaseVersion.Field], written: [String], removed: [String],
              signingKey: any MessageSigner) throws(VaultError) -> SealedVersion {
        try RecordLimits.checkFieldCount(fresh.count + carried.count)
        let access = CaseAccess(policy: policy, roster: roster, assignments: assignments)
        // Group paths by reader set: public-key work grows with classes × readers, not fields × readers.
        var classOf: [[String]: UInt32] = [:]
        var classReaders: [[String]] = []
        var pathClass: [(String, UInt32)] = []
        var readersByPattern: [String: [String]] = [:]  // reader sets depend on the pattern only, not the index
        for path in fresh.keys.sorted() {
            let pattern = FieldCatalog.pattern(ofPath: path) ?? path
            let readers: [String]
            if let known = readersByPattern[pattern] { readers = known } else {
                readers = access.readers(of: pattern)
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
        var classes: [CaseVersion.AccessClass] = []
        var keys: [SymmetricKey] = []
        do {
            for (i, readers) in classReaders.enumerated() {
                let key = try SymmetricKey.generate()
                let ref = CaseVersion.KeyRef(generation: version, index: UInt32(i))
                var envelopes: [CaseVersion.Envelope] = []
                for id in readers {
                    guard let member = roster.entry(id) else { continue }
                    envelopes.append(.init(member: id, sealedKey: try SealedBox.seal(key, to: member.identity.boxKey)))
                }
                for e in escrow { envelopes.append(.init(member: e.label, sealedKey: try SealedBox.seal(key, to: e.key))) }
                classes.append(.init(index: UInt32(i), commitment: CaseVersion.commitment(to: key, vault: vaultID, caseID: caseID, ref: ref), envelopes: envelopes))
                keys.append(key)
            }
            var fields = carried
            for (path, index) in pathClass {
                let ref = CaseVersion.KeyRef(generation: version, index: index)
                let nonce = XChaCha20Poly1305.randomNonce()
                let ad = CaseVersion.associatedData(vault: vaultID, caseID: caseID, origin: version, key: ref, path: path)
                var plain = fresh[path]!.encoded()
                defer { Memory.zero(&plain) }
                guard plain.count <= RecordLimits.maxFieldPlaintextBytes else {
                    throw VaultError.input("\(path) holds \(plain.count) bytes; at most \(RecordLimits.maxFieldPlaintextBytes) are allowed")
                }
                let ct = try XChaCha20Poly1305.seal(plain, key: keys[Int(index)], nonce: nonce, associatedData: ad)
                fields.append(.init(path: path, origin: version, key: ref, nonce: nonce, ciphertext: ct))
            }
            fields.sort { $0.path < $1.path }
            let v = CaseVersion(
                vaultID: vaultID, caseID: caseID, version: version, parentHash: parentHash, author: author.id, created: created,
                rosterSerial: roster.serial, policySerial: UInt64(policy.serial), assignments: assignments.sorted(),
                written: written.sorted(), removed: removed.sorted(), classes: classes, fields: fields)
            try v.checkDecodable()
            let body = v.encoded()
            guard body.count <= RecordLimits.maxVersionBytes else {
                throw VaultError.input("the case version would be \(body.count) bytes; at most \(RecordLimits.maxVersionBytes) are allowed")
            }
            return SealedVersion(version: v, body: body, signature: try signingKey.signature(for: CaseVersion.signatureDomain + body))
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
