import AccessPolicy
import SodiumKit

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
    /// The centre root's signature over this entry alone (`blockText`), so the entry can travel
    /// by itself (inside a handover bundle) and still be checked against the root.
    public var certificate: [UInt8] = []

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

    static let certificateDomain = Array("casevault/v1/roster-entry\0".utf8)

    /// The entry's lines as they stand in the roster, without the certificate line.
    public var blockText: String {
        var lines = ["\(kind.rawValue) \(id)", "name \(name)", "roles \(roles.map(\.rawValue).joined(separator: " "))",
                     "box-key \(Base64.encode(identity.boxKey.bytes))", "sign-key \(Base64.encode(identity.signingKey.bytes))",
                     "fingerprint \(identity.fingerprint)", "added \(added.rfc3339)"]
        if let r = revoked { lines.append("revoked \(r.rfc3339)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The block with its certificate line: what a bundle carries.
    public var certifiedText: String { blockText + "certificate \(Base64.encode(certificate))\n" }

    package static func certificateMessage(block: String, vault: VaultID) -> [UInt8] { certificateDomain + vault.bytes + Array(block.utf8) }

    /// Parses a certified entry and checks its certificate against the centre root.
    public static func parseCertified(_ text: String, vault: VaultID, root: SigningPublicKey) throws(VaultError) -> RosterEntry {
        guard text.hasSuffix("\n") else { throw .format("roster entry is malformed") }
        let lines = text.dropLast().splitASCII(0x0A)
        let entry = try RosterParser.parseEntry(lines)
        guard entry.certifiedText == text else { throw .format("roster entry is not in canonical form") }
        do { try root.verify(entry.certificate, for: certificateMessage(block: entry.blockText, vault: vault)) } catch {
            throw .auth("roster entry \(entry.id) is not signed by the trusted centre root", cause: error)
        }
        return entry
    }

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
