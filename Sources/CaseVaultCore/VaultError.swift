/// Every failure the library reports. Descriptions are one line, name ids and fields, and never
/// carry a secret or a value from a case.
public struct VaultError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of failure, which decides the CLI's exit code.
    public enum Kind: Sendable, Equatable {
        /// Malformed input: a file, a value, an argument (exit 65).
        case invalidInput
        /// The policy denies the action, or the actor is not on the signed roster (exit 77).
        case accessDenied
        /// A signature, MAC or AEAD tag failed: tampering, a wrong key or a wrong passphrase (exit 77).
        case authenticationFailed
        /// Something is missing: a vault, a case, a member (exit 66).
        case notFound
        /// A file or database is of an unknown version or damaged (exit 65).
        case unsupportedFormat
        /// An I/O or database failure (exit 74).
        case ioFailure
        /// Refused for safety: loose permissions, a secret headed for Keys/, an existing file (exit 73).
        case refused
    }

    public let kind: Kind
    public let message: String
    /// The lower-level error this one reports, kept for callers and debuggers; never part of
    /// `message` or `description`, so nothing it holds reaches a terminal or the log.
    public let cause: (any Error)?
    /// Each problem on its own, when the error gathers several (`message` joins them in one
    /// line), so a person can be shown one line per problem.
    public internal(set) var problems: [String] = []

    public init(_ kind: Kind, _ message: String, cause: (any Error)? = nil) {
        self.kind = kind
        self.message = message
        self.cause = cause
    }

    public var description: String { message }

    /// Equality by kind only, so tests assert on what went wrong, not on wording.
    public static func == (a: VaultError, b: VaultError) -> Bool { a.kind == b.kind }

    static func input(_ m: String, cause: (any Error)? = nil) -> VaultError { VaultError(.invalidInput, m, cause: cause) }
    static func denied(_ m: String, cause: (any Error)? = nil) -> VaultError { VaultError(.accessDenied, m, cause: cause) }
    static func auth(_ m: String, cause: (any Error)? = nil) -> VaultError { VaultError(.authenticationFailed, m, cause: cause) }
    static func notFound(_ m: String, cause: (any Error)? = nil) -> VaultError { VaultError(.notFound, m, cause: cause) }
    static func format(_ m: String, cause: (any Error)? = nil) -> VaultError { VaultError(.unsupportedFormat, m, cause: cause) }
    package static func io(_ m: String, cause: (any Error)? = nil) -> VaultError { VaultError(.ioFailure, m, cause: cause) }
    static func refused(_ m: String, cause: (any Error)? = nil) -> VaultError { VaultError(.refused, m, cause: cause) }
}
