import SodiumKit

/// What one reader sees of a case.
public struct OpenedCase: Sendable {
    public let caseID: CaseID
    public let chain: [CaseVersion]
    /// The fields this reader could decrypt.
    public let fields: [String: FieldValue]
    /// Fields sealed to other readers: their paths are known, their values are not.
    let sealedFields: [CaseVersion.Field]
    /// The decrypted arena: holds each format-2 field's σ (at `sigmaAt[path]`), which a re-seal reuses.
    let secrets: SecureBytes?
    let sigmaAt: [String: Int]

    /// Runs `body` with `path`'s σ; nil when the field has none (format 1) or was not opened.
    func withSigma<R>(_ path: String, _ body: (UnsafeRawBufferPointer) throws(VaultError) -> R) throws(VaultError) -> R? {
        guard let at = sigmaAt[path], let secrets else { return nil }
        return try secrets.withUnsafeBytes { all throws(VaultError) in
            try body(UnsafeRawBufferPointer(rebasing: all[at..<at + FieldCrypto.sigmaBytes]))
        }
    }
    /// Grants of this case refused as forged or tampered (one line each): ignored for decryption.
    public internal(set) var refusedGrants: [String] = []
    /// Assigned members still waiting for keys (Cases/CaseGrants.swift fills it in).
    public internal(set) var pendingGrants: [PendingGrant] = []
    /// Keys the reader is entitled to but waits for (a pending grant to them), in classes.
    public internal(set) var readerWaitsForGrants = 0

    public var latest: CaseVersion { chain.last! }
    public var record: CaseRecord { CaseRecord(fields: fields) }
    public var sealedPaths: [String] { CaseRecord.order(sealedFields.map(\.path)) }
}

extension OpenedCase {
    /// Versions dated more than the clock bound ahead of `now`: written on a computer whose
    /// clock was wrong. Shown beside the case; a date decides nothing about a version.
    public func datingWarnings(now: Timestamp) -> [String] {
        chain.filter { ClockBound.isAhead($0.created, of: now) }.map {
            "version \($0.version) by \($0.author) is dated \($0.created.osloText), ahead of this computer's clock: that computer's clock was wrong"
        }
    }
}
