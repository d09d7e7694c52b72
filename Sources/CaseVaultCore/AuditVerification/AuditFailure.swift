/// Why an audit export failed verification. The verifier stops at the first problem in log
/// order and names it: `entry 41: signature does not verify`, `checkpoint: …`, `roster 3: …`.
public struct AuditFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A file is missing, of an unknown version, or not in its one canonical form (exit 65).
        case malformed
        /// Everything parsed, but a check failed: a signature, the sequence, the tree (exit 77).
        case failed
    }

    public let kind: Kind
    /// What the problem is in: `entry 41`, `checkpoint`, `roster 3`, `entries`.
    public let subject: String
    public let reason: String
    /// The first bad entry's index (its position in the log), when an entry is to blame.
    public let index: UInt64?
    /// Every disagreement found, one line each, when there are several (the versions cross-check).
    public let lines: [String]

    public init(_ kind: Kind, _ subject: String, _ reason: String, index: UInt64? = nil, lines: [String] = []) {
        self.kind = kind
        self.subject = subject
        self.reason = reason
        self.index = index
        self.lines = lines
    }

    public var description: String { "\(subject): \(reason)" }

    /// The CLI's error, whose kind picks the exit code.
    public var vaultError: VaultError { VaultError(kind == .malformed ? .unsupportedFormat : .authenticationFailed, description) }

    static func malformed(_ subject: String, _ reason: String, index: UInt64? = nil) -> AuditFailure { AuditFailure(.malformed, subject, reason, index: index) }
    static func failed(_ subject: String, _ reason: String, index: UInt64? = nil) -> AuditFailure { AuditFailure(.failed, subject, reason, index: index) }

    static func entry(_ i: UInt64, _ reason: String, malformed: Bool = false) -> AuditFailure {
        AuditFailure(malformed ? .malformed : .failed, "entry \(i)", reason, index: i)
    }
}
