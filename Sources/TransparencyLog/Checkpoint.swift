import SodiumKit

/// A tlog-checkpoint v1.0.0 note body: origin, tree size and root hash, one per line, then any
/// opaque extension lines. Equality and hashing are over the body's bytes.
public struct Checkpoint: Hashable, Sendable, CustomStringConvertible {
    public let origin: String
    public let size: UInt64
    public let rootHash: [UInt8]
    public let extensions: [String]

    public init(origin: String, size: UInt64, rootHash: [UInt8], extensions: [String] = []) throws(LogError) {
        guard Self.isValidLine(origin) else { throw .checkpointOriginInvalid }
        guard rootHash.count == Merkle.hashByteCount else { throw .checkpointRootWrongLength }
        guard extensions.allSatisfy(Self.isValidLine) else { throw .checkpointExtensionInvalid }
        self.origin = origin
        self.size = size
        self.rootHash = rootHash
        self.extensions = extensions
    }

    /// The note text: `origin\nsize\nbase64(root)\n` and one line per extension.
    public var body: String {
        var lines = [origin, String(size), Base64.encode(rootHash)] + extensions
        lines.append("")
        return lines.joined(separator: "\n")
    }

    public var description: String { "Checkpoint(\(origin), size \(size), root \(Hex.encode(rootHash)))" }

    /// Parses a note text strictly, so that `body` gives back the same bytes.
    public static func parse(_ text: String) throws(LogError) -> Checkpoint {
        let bytes = Array(text.utf8)
        try TextRules.checkControlCharacters(bytes)
        guard bytes.last == TextRules.newline else { throw .checkpointNotNewlineTerminated }
        let lines = TextRules.lines(bytes[...])
        guard lines.count >= 3 else { throw .checkpointTooFewLines }

        let origin = String(decoding: lines[0], as: UTF8.self)
        guard !origin.isEmpty else { throw .checkpointOriginInvalid }

        let size: UInt64
        switch TextRules.parseDecimal(lines[1]) {
        case let .success(value): size = value
        case .failure(.notDecimal): throw .checkpointSizeNotDecimal
        case .failure(.leadingZero): throw .checkpointSizeLeadingZero
        case .failure(.overflow): throw .checkpointSizeOverflow
        }

        guard let rootHash = Base64.decode(String(decoding: lines[2], as: UTF8.self)) else {
            throw .checkpointRootNotBase64
        }
        var extensions: [String] = []
        for line in lines.dropFirst(3) { extensions.append(String(decoding: line, as: UTF8.self)) }
        return try Checkpoint(origin: origin, size: size, rootHash: rootHash, extensions: extensions)
    }

    /// The signed note bytes for this checkpoint. The log's key name SHOULD equal the origin.
    public func sign(with signers: [NoteSigner]) throws(LogError) -> [UInt8] {
        try SignedNote.sign(text: body, signers: signers)
    }

    /// Parses a checkpoint note, checks that a trusted log key signed it and, when given, that
    /// it names the expected origin (a key may sign for more than one log).
    public static func open(_ noteBytes: [UInt8], verifiers: [NoteVerifier], origin: String? = nil) throws(LogError) -> VerifiedCheckpoint {
        try VerifiedCheckpoint(note: SignedNote.parse(noteBytes), verifiers: verifiers, origin: origin)
    }

    /// Checks that this checkpoint extends `older` of the same log.
    public func verifyConsistency(from older: Checkpoint, proof: [[UInt8]]) throws(LogError) {
        guard TextRules.sameBytes(origin, older.origin) else { throw .checkpointOriginMismatch }
        try Merkle.verifyConsistency(
            oldSize: older.size, newSize: size, oldRoot: older.rootHash, newRoot: rootHash, proof: proof)
    }

    public static func == (a: Checkpoint, b: Checkpoint) -> Bool { a.body.utf8.elementsEqual(b.body.utf8) }

    public func hash(into hasher: inout Hasher) { hasher.combine(Array(body.utf8)) }

    /// Origin and extension lines: non-empty, no newline, no other control character.
    private static func isValidLine(_ line: String) -> Bool {
        !line.isEmpty && !line.utf8.contains { $0 < 0x20 }
    }
}

/// A checkpoint whose note a trusted log key has signed.
public struct VerifiedCheckpoint: Sendable {
    public let checkpoint: Checkpoint
    public let note: SignedNote
    /// The trusted log keys whose signatures verified.
    public let logKeys: [NoteVerifier]

    init(note: SignedNote, verifiers: [NoteVerifier], origin: String?) throws(LogError) {
        // Signatures first: nothing in the text is looked at until a trusted key vouches for it.
        let logKeys = try note.verify(by: verifiers)
        let checkpoint = try Checkpoint.parse(note.text)
        if let origin, !TextRules.sameBytes(origin, checkpoint.origin) { throw .checkpointOriginMismatch }
        self.checkpoint = checkpoint
        self.note = note
        self.logKeys = logKeys
    }
}
