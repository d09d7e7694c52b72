import SodiumKit

/// One signed version of a case (docs/FORMAT.md, "Case version"). Everything here is public
/// metadata or ciphertext; the author's Ed25519 signature covers all of it. Format 2 (written
/// from now on) adds a value commitment to every field and pads every field plaintext; format 1
/// versions stay readable, and a chain may hold both (never a 1 after a 2).
public struct CaseVersion: Sendable, Equatable {
    static let magicPrefix = Array("CVV".utf8)
    static let currentFormat: UInt8 = 2
    /// A legacy (format 1) field's commitment: it has none.
    package static let noCommitment = [UInt8](repeating: 0, count: 32)

    /// A member assigned to the case in a case-scoped role (contact person, child contact, resident).
    public struct Assignment: Hashable, Sendable, Comparable {
        public var member: String
        public var role: String
        package init(member: String, role: String) {
            self.member = member
            self.role = role
        }
        public static func < (a: Assignment, b: Assignment) -> Bool { (a.member, a.role) < (b.member, b.role) }
    }

    /// A key generation: one random key shared by the fields with the same reader set,
    /// sealed to each reader, with a commitment so every reader can check they got the same key.
    public struct AccessClass: Sendable, Equatable {
        public var index: UInt32
        public var commitment: [UInt8]
        public var envelopes: [Envelope]
    }

    public struct Envelope: Sendable, Equatable {
        public var member: String
        public var sealedKey: [UInt8]
    }

    /// Where a field's key lives: version `generation`, access class `index`.
    public struct KeyRef: Hashable, Sendable {
        public var generation: UInt64
        public var index: UInt32
    }

    /// One encrypted field. `origin` is the version that wrote the ciphertext: a later version
    /// may carry it forward unchanged when its author cannot read it.
    public struct Field: Sendable, Equatable {
        public var path: String
        public var origin: UInt64
        /// Value commitment (format 2): keyed with the field's secret σ, signed with the version,
        /// so a re-sealer cannot change the value. All zeros for a format-1 field.
        public var vc: [UInt8] = CaseVersion.noCommitment
        public var key: KeyRef
        public var nonce: [UInt8]
        public var ciphertext: [UInt8]
    }

    /// 1 or 2: the body's magic `CVV` ‖ format, which also picks the domain strings.
    public var format: UInt8 = CaseVersion.currentFormat
    public var vaultID: VaultID
    public var caseID: CaseID
    public var version: UInt64
    public var parentHash: [UInt8]
    public var author: String
    public var created: Timestamp
    public var rosterSerial: UInt64
    public var policySerial: UInt64
    public var assignments: [Assignment]
    /// Paths this version wrote and removed: what `case history` shows, and what the reader
    /// checks the author was allowed to write.
    public var written: [String]
    public var removed: [String]
    public var classes: [AccessClass]
    public var fields: [Field]

    func encoded() -> [UInt8] {
        var w = ByteWriter(reservingCapacity: 256 + fields.reduce(0) { $0 + $1.ciphertext.count + 64 } + classes.count * 200)
        w.raw(Self.magicPrefix + [format])
        w.raw(vaultID.bytes)
        w.raw(caseID.bytes)
        w.u64(version)
        w.raw(parentHash)
        w.string(author)
        w.i64(created.seconds)
        w.u64(rosterSerial)
        w.u64(policySerial)
        w.u32(UInt32(assignments.count))
        for a in assignments { w.string(a.member); w.string(a.role) }
        w.u32(UInt32(written.count))
        for p in written { w.string(p) }
        w.u32(UInt32(removed.count))
        for p in removed { w.string(p) }
        w.u32(UInt32(classes.count))
        for c in classes {
            w.u32(c.index)
            w.raw(c.commitment)
            w.u32(UInt32(c.envelopes.count))
            for e in c.envelopes { w.string(e.member); w.data(e.sealedKey) }
        }
        w.u32(UInt32(fields.count))
        for f in fields {
            w.string(f.path)
            w.u64(f.origin)
            if format >= 2 { w.raw(f.vc) }
            w.u64(f.key.generation)
            w.u32(f.key.index)
            w.raw(f.nonce)
            w.data(f.ciphertext)
        }
        return w.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(VaultError) -> CaseVersion {
        var r = ByteReader(bytes)
        do {
            let magic = try r.raw(4)
            guard Array(magic.prefix(3)) == Self.magicPrefix else { throw VaultError.format("not a CaseVault case version") }
            let format = magic[3]
            guard format == 1 || format == 2 else { throw VaultError.format("case version format \(format) is not supported") }
            let vault = VaultID(unchecked: try r.raw(16))
            let caseID = CaseID(unchecked: try r.raw(10))
            let version = try r.u64()
            let parent = try r.raw(32)
            typealias L = VersionDecodeLimits
            let author = try r.string(max: L.maxMemberBytes)
            let created = Timestamp(seconds: try r.i64())
            let rosterSerial = try r.u64()
            let policySerial = try r.u64()
            var assignments: [Assignment] = []
            for _ in 0..<(try r.count(max: L.maxAssignments)) {
                assignments.append(Assignment(member: try r.string(max: L.maxMemberBytes), role: try r.string(max: L.maxRoleBytes)))
            }
            var written: [String] = []
            for _ in 0..<(try r.count(max: L.maxPaths)) { written.append(try r.string(max: L.maxPathBytes)) }
            var removed: [String] = []
            for _ in 0..<(try r.count(max: L.maxPaths)) { removed.append(try r.string(max: L.maxPathBytes)) }
            var classes: [AccessClass] = []
            for _ in 0..<(try r.count(max: L.maxClasses)) {
                let index = try r.u32()
                let commitment = try r.raw(32)
                var envelopes: [Envelope] = []
                for _ in 0..<(try r.count(max: L.maxEnvelopes)) {
                    envelopes.append(Envelope(member: try r.string(max: L.maxMemberBytes), sealedKey: try r.data(max: L.maxSealedKeyBytes)))
                }
                classes.append(AccessClass(index: index, commitment: commitment, envelopes: envelopes))
            }
            var fields: [Field] = []
            for _ in 0..<(try r.count(max: L.maxFields)) {
                fields.append(Field(
                    path: try r.string(max: L.maxPathBytes), origin: try r.u64(), vc: format >= 2 ? try r.raw(32) : noCommitment,
                    key: KeyRef(generation: try r.u64(), index: try r.u32()),
                    nonce: try r.raw(24), ciphertext: try r.data(max: L.maxCiphertextBytes)))
            }
            try r.expectEnd()
            let v = CaseVersion(format: format, vaultID: vault, caseID: caseID, version: version, parentHash: parent, author: author, created: created,
                                rosterSerial: rosterSerial, policySerial: policySerial, assignments: assignments,
                                written: written, removed: removed, classes: classes, fields: fields)
            // Every element is fixed-width or length-prefixed and the reader consumed every byte,
            // so these bytes are the one encoding of `v`: no re-encoding is needed to prove it.
            return v
        } catch let e as VaultError { throw e } catch { throw .format("case version is malformed") }
    }

    /// The format a stored body declares (its fourth byte); 1 for anything too short to say.
    static func format(ofBody body: [UInt8]) -> UInt8 { body.count >= 4 && Array(body.prefix(3)) == magicPrefix ? body[3] : 1 }

    /// What the author signs: the format's domain string ‖ body.
    package static func signedMessage(_ body: [UInt8]) -> [UInt8] {
        Array((format(ofBody: body) >= 2 ? "casevault/v2/case-version\0" : "casevault/v1/case-version\0").utf8) + body
    }

    /// Hash that the next version names as its parent: BLAKE2b-256 over domain ‖ body ‖ signature.
    package static func chainHash(body: [UInt8], signature: [UInt8]) -> [UInt8] {
        BLAKE2b.hash(Array((format(ofBody: body) >= 2 ? "casevault/v2/version-chain\0" : "casevault/v1/version-chain\0").utf8) + body + signature)
    }

    /// Associated data binding a field ciphertext to vault, case, writing version, key generation
    /// and path; in format 2 also to the value commitment.
    package static func associatedData(vault: VaultID, caseID: CaseID, origin: UInt64, key: KeyRef, path: String,
                                       format: UInt8 = 1, vc: [UInt8] = noCommitment) -> [UInt8] {
        var w = ByteWriter(reservingCapacity: 128 + path.utf8.count)
        w.raw(format >= 2 ? "casevault/v2/field\0" : "casevault/v1/field\0")
        w.raw(vault.bytes)
        w.raw(caseID.bytes)
        w.u64(origin)
        if format >= 2 { w.raw(vc) }
        w.u64(key.generation)
        w.u32(key.index)
        w.string(path)
        return w.bytes
    }

    /// Commitment to an access-class key: keyed BLAKE2b-256 (key = the class key) over its context.
    static func commitment(to key: SymmetricKey, vault: VaultID, caseID: CaseID, ref: KeyRef, format: UInt8 = CaseVersion.currentFormat) -> [UInt8] {
        var w = ByteWriter()
        w.raw(format >= 2 ? "casevault/v2/class-key\0" : "casevault/v1/class-key-commitment\0")
        w.raw(vault.bytes)
        w.raw(caseID.bytes)
        w.u64(ref.generation)
        w.u32(ref.index)
        return BLAKE2b.hash(w.bytes, key: key)
    }
}
