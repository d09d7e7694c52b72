import AccessPolicy

/// One person or office on the signed roster.
public struct RosterEntry: Hashable, Sendable {
    public enum Kind: String, Sendable {
        /// Centre staff, the auditor or a resident: works inside the vault.
        case member
        /// A police district, housing office or NAV office: receives handover bundles only.
        case recipient
    }

    public var kind: Kind
    public var id: String
    public var name: String
    public var roles: [Role]
    public var identity: PublicIdentity
    public var added: Timestamp
    public var revoked: Timestamp?

    public init(kind: Kind, id: String, name: String, roles: [Role], identity: PublicIdentity, added: Timestamp, revoked: Timestamp? = nil) {
        self.kind = kind
        self.id = id
        self.name = name
        self.roles = roles
        self.identity = identity
        self.added = added
        self.revoked = revoked
    }

    /// Active at `time`: added on or before it and not yet revoked.
    public func isActive(at time: Timestamp) -> Bool {
        added <= time && (revoked.map { time < $0 } ?? true)
    }

    public var isRevoked: Bool { revoked != nil }

    /// Ids are short handles chosen by the leader: lower-case letters, digits, '-', '.', up to 32.
    static func validate(id: String) throws(VaultError) {
        let ok = !id.isEmpty && id.utf8.count <= 32 && id.utf8.allSatisfy { c in
            (0x61...0x7A).contains(c) || (0x30...0x39).contains(c) || c == 0x2D || c == 0x2E
        } && id.first!.isLetter
        guard ok else { throw .input("invalid id \"\(id)\": use 1–32 lower-case letters, digits, '-' or '.', starting with a letter") }
    }

    static func validate(name: String) throws(VaultError) {
        guard !name.isEmpty, name.count <= 120, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .input("invalid display name: 1–120 characters, no control characters")
        }
    }
}
