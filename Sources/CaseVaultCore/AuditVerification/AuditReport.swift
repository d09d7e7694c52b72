/// What a successful verification established, for the auditor to read and keep.
public struct AuditReport: Sendable {
    /// A witness's cosignature that verified, on a checkpoint consistent with the entries.
    public struct Cosignature: Sendable, Equatable {
        public let witness: String
        public let size: UInt64
        /// When the witness cosigned (POSIX seconds, as the witness stated it).
        public let timestamp: UInt64
    }

    public let vaultID: VaultID
    public let origin: String
    /// The centre root key's fingerprint; compare it with the one the centre published.
    public let rootFingerprint: String
    /// True when the caller gave the fingerprint to trust and the export's root matched it.
    public let rootPinned: Bool
    public let rosterCount: Int
    public let entryCount: UInt64
    public let firstTime: Timestamp?
    public let lastTime: Timestamp?
    public let checkpointSize: UInt64
    public let checkpointRoot: [UInt8]
    /// The members whose checkpoint signatures verified.
    public let checkpointSigners: [String]
    /// Cosignatures by the witnesses the caller named, highest size first.
    public let cosignatures: [Cosignature]
    /// Refused attempts by keys not on the roster (actor `unknown`): signed, but by nobody known.
    public let unauthenticatedAttempts: [UInt64]
    /// Entries after the checkpoint: verified one by one, but not yet covered by a signed root.
    public let tail: Range<UInt64>
    /// The size of the earlier checkpoint this one was proven consistent with (`--since`).
    public let consistentSince: UInt64?
    /// Successful content reads (`case.read` entries).
    public let contentReads: Int
    /// Every break-glass opening in the log, with its review if there is one.
    public var breakGlass: [BreakGlassFinding] = []
}
