/// Who may read and write each field of the record, parsed from a signed, human-readable
/// YAML file (docs/FORMAT.md, "Access policy file"). The file's exact bytes are kept because the core signs
/// and verifies those, not a re-serialisation.
///
/// Field rules say what a role may see; `centreWide` and `caseAssigned` say which cases a
/// role reaches at all. The core combines the two.
public struct Policy: Sendable, Equatable {
    /// The newest format version this build reads and writes (2 adds `handover:`).
    public static let supportedFormatVersion = 2
    /// Every format version this build reads; any other is refused.
    public static let readableFormatVersions: Set<Int> = [1, 2]

    /// The value of `casevault-policy`.
    public let formatVersion: Int
    /// Grows with each signed revision, so an older policy cannot be replayed as current.
    public let serial: Int
    /// The optional free-text `description`.
    public let descriptionText: String?
    /// Roles that reach every case (still limited by the field rules).
    public let centreWide: Set<Role>
    /// Roles that reach only the cases they are assigned to.
    public let caseAssigned: Set<Role>
    /// Handovers to these roles need a leader's co-signature.
    public let approvalRequired: Set<Role>
    /// Per external (recipient) role, the member roles that may send it a bundle (`handover:`).
    /// A format-1 policy has no such section and means contact persons only.
    public let handoverSenders: [Role: Set<Role>]
    /// The file as text.
    public let sourceText: String
    /// The file's exact UTF-8 bytes: what the core signs.
    public let sourceBytes: [UInt8]

    /// One rule per catalogue pattern; the parser guarantees completeness.
    let rules: [String: FieldRule]

    /// Parses a policy file's bytes. Refuses anything not exactly in the format.
    public init(bytes: [UInt8]) throws(PolicyError) {
        self = try PolicyParser.parse(bytes: bytes)
    }

    /// Parses policy text; `sourceBytes` become the text's UTF-8 encoding.
    public init(yaml text: String) throws(PolicyError) {
        try self.init(bytes: Array(text.utf8))
    }

    init(
        formatVersion: Int, serial: Int, descriptionText: String?,
        centreWide: Set<Role>, caseAssigned: Set<Role>, approvalRequired: Set<Role>, handoverSenders: [Role: Set<Role>],
        rules: [String: FieldRule], sourceText: String, sourceBytes: [UInt8]
    ) {
        self.handoverSenders = handoverSenders
        self.formatVersion = formatVersion
        self.serial = serial
        self.descriptionText = descriptionText
        self.centreWide = centreWide
        self.caseAssigned = caseAssigned
        self.approvalRequired = approvalRequired
        self.rules = rules
        self.sourceText = sourceText
        self.sourceBytes = sourceBytes
    }
}

extension Policy {
    /// What a format-1 policy (no `handover:` section) allows: contact persons send to every recipient role.
    static let formatOneHandoverSenders: [Role: Set<Role>] = Dictionary(
        uniqueKeysWithValues: Role.allCases.filter(\.isExternal).map { ($0, [Role.contactPerson]) })

    /// Whether someone holding `senderRoles` may send a bundle to a recipient of `recipientRole`.
    public func maySendHandover(from senderRoles: [Role], to recipientRole: Role) -> PolicyDecision {
        let allowed = handoverSenders[recipientRole] ?? []
        if senderRoles.contains(where: allowed.contains) { return .allowed }
        let who = allowed.isEmpty ? "nobody" : allowed.sorted().map(\.rawValue).joined(separator: ", ")
        return .denied(reason: "the policy lets only \(who) send a bundle to \(recipientRole.rawValue)")
    }
}

/// The roles that may read and write one field pattern.
public struct FieldRule: Sendable, Equatable {
    public let read: Set<Role>
    public let write: Set<Role>

    public init(read: Set<Role>, write: Set<Role>) {
        self.read = read
        self.write = write
    }
}

/// Which cases a role reaches at all, before any field rule applies.
public enum CaseScope: Sendable, Equatable {
    /// Every case (night shift, leader).
    case centreWide
    /// Only cases the role is assigned to.
    case caseAssigned
    /// No case from inside the vault: external roles get handovers, the auditor gets metadata.
    case none
}

/// The outcome of a policy check, with a reason when access is denied.
public enum PolicyDecision: Equatable, Sendable, CustomStringConvertible {
    case allowed
    case denied(reason: String)

    public var isAllowed: Bool { self == .allowed }

    public var description: String {
        switch self {
        case .allowed: "allowed"
        case .denied(let reason): "denied: \(reason)"
        }
    }
}
