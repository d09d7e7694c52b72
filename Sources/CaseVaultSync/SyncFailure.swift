import CaseVaultCore

/// A failure talking to the shared vault server, with what the user should do.
public struct SyncFailure: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The server cannot be reached: the replica still reads; writes wait for the next sync.
        case unreachable
        /// The vault moved on since this workstation pulled: nothing was stored; pull and retry.
        case headMoved
        /// The server refused (authentication, a check of the push, a missing vault).
        case refused(status: Int)
        /// The server answered something that is not the protocol.
        case protocolError
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
