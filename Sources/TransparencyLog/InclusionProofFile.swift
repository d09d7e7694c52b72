import SodiumKit

/// An offline-verifiable proof that an entry is in a log (c2sp.org/tlog-proof, `.tlog-proof`):
///
///     c2sp.org/tlog-proof@v1
///     extra <base64>            (optional, unauthenticated)
///     index <decimal>
///     <base64 hash>             (zero or more, leaf's sibling first)
///     <blank line>
///     <signed checkpoint note, verbatim>
public struct InclusionProofFile: Sendable {
    public static let header = "c2sp.org/tlog-proof@v1"
    /// A tree of at most 2^64−1 leaves is at most 64 levels deep.
    public static let maxProofHashes = 64

    public let index: UInt64
    public let proof: [[UInt8]]
    /// Opaque application data. Not signed: never trust it without checking it some other way.
    public let extra: [UInt8]?
    public let checkpointNote: SignedNote
    public let checkpoint: Checkpoint

    public init(index: UInt64, proof: [[UInt8]], checkpointNote: SignedNote, extra: [UInt8]? = nil) throws(LogError) {
        guard proof.count <= Self.maxProofHashes else { throw .proofTooManyHashes }
        for hash in proof { try Merkle.requireHashLength(hash) }
        self.index = index
        self.proof = proof
        self.extra = extra
        self.checkpointNote = checkpointNote
        checkpoint = try Checkpoint.parse(checkpointNote.text)
    }

    public var bytes: [UInt8] {
        var head = [Self.header]
        if let extra { head.append("extra \(Base64.encode(extra))") }
        head.append("index \(index)")
        head += proof.map { Base64.encode($0) }
        return Array((head.joined(separator: "\n") + "\n\n").utf8) + checkpointNote.bytes
    }

    public static func parse(_ bytes: [UInt8]) throws(LogError) -> InclusionProofFile {
        // The note rules on control characters hold for the whole file, so a CRLF copy fails plainly.
        try TextRules.checkControlCharacters(bytes)
        // The proof lines are non-empty, so the first blank line ends them.
        guard let blank = firstBlankLine(in: bytes) else { throw .proofMissingCheckpoint }
        var lines = TextRules.lines(bytes[...blank])[...]
        guard let first = lines.popFirst(), first.elementsEqual(header.utf8) else { throw .proofHeaderInvalid }

        var extra: [UInt8]?
        if let line = lines.first, TextRules.hasPrefix(line, "extra ") {
            lines.removeFirst()
            guard let data = Base64.decode(String(decoding: line.dropFirst(6), as: UTF8.self)) else {
                throw .proofExtraInvalid
            }
            extra = data
        }

        guard let indexLine = lines.popFirst(), TextRules.hasPrefix(indexLine, "index "),
              case let .success(index) = TextRules.parseDecimal(indexLine.dropFirst(6))
        else { throw .proofIndexInvalid }

        guard lines.count <= maxProofHashes else { throw .proofTooManyHashes }
        var proof: [[UInt8]] = []
        for line in lines {
            guard let hash = Base64.decode(String(decoding: line, as: UTF8.self)), hash.count == Merkle.hashByteCount
            else { throw .proofHashInvalid }
            proof.append(hash)
        }
        let note = try SignedNote.parse(Array(bytes[(blank + 2)...]))
        return try InclusionProofFile(index: index, proof: proof, checkpointNote: note, extra: extra)
    }

    /// Checks, in order: a trusted log key signed the checkpoint; it names `origin` (when
    /// given); at least `witnessQuorum` distinct witnesses cosigned it; and the proof leads from
    /// `leafEntry` at `index` to the checkpoint's root. The extra data plays no part.
    public func verify(
        leafEntry: [UInt8], verifiers: [NoteVerifier], origin: String? = nil,
        witnesses: [CosignatureVerifier] = [], witnessQuorum: Int = 0
    ) throws(LogError) -> VerifiedInclusion {
        let verified = try VerifiedCheckpoint(note: checkpointNote, verifiers: verifiers, origin: origin)
        let cosignatures = try checkpointNote.cosignatures(by: witnesses)
        guard cosignatures.count >= witnessQuorum else {
            throw .cosignatureQuorumNotMet(required: witnessQuorum, found: cosignatures.count)
        }
        try Merkle.verifyInclusion(
            leafHash: Merkle.leafHash(leafEntry), index: index, treeSize: checkpoint.size,
            proof: proof, root: checkpoint.rootHash)
        return VerifiedInclusion(checkpoint: verified, cosignatures: cosignatures)
    }

    private static func firstBlankLine(in bytes: [UInt8]) -> Int? {
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == TextRules.newline && bytes[index + 1] == TextRules.newline { return index }
            index += 1
        }
        return nil
    }
}

/// What a verified proof file established.
public struct VerifiedInclusion: Sendable {
    public let checkpoint: VerifiedCheckpoint
    public let cosignatures: [VerifiedCosignature]
}
