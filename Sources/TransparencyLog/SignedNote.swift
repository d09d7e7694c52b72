import SodiumKit

/// A C2SP signed note: a text ending in a newline, one blank line, then one or more signature
/// lines. The parser is strict, so each accepted note has exactly one byte form and `bytes`
/// reproduces the input.
public struct SignedNote: Sendable {
    /// Verifiers must accept at least 16 signatures; 100 bounds the work an attacker can cause.
    public static let maxSignatures = 100
    /// U+2014 EM DASH and a space.
    static let signaturePrefix = "\u{2014} "

    public let text: String
    public let signatures: [NoteSignature]

    public init(text: String, signatures: [NoteSignature]) throws(LogError) {
        try Self.validateText(Array(text.utf8)[...])
        guard !signatures.isEmpty else { throw .noteHasNoSignatures }
        guard signatures.count <= Self.maxSignatures else { throw .noteTooManySignatures }
        self.text = text
        self.signatures = signatures
    }

    /// Signs `text` with each signer and returns the note's bytes.
    public static func sign(text: String, signers: [NoteSigner]) throws(LogError) -> [UInt8] {
        try Self.validateText(Array(text.utf8)[...])
        var signatures: [NoteSignature] = []
        for signer in signers { signatures.append(try signer.signature(forText: text)) }
        return try SignedNote(text: text, signatures: signatures).bytes
    }

    /// This note with one more signature line (a log key, or a witness's cosignature).
    public func adding(_ signature: NoteSignature) throws(LogError) -> SignedNote {
        try SignedNote(text: text, signatures: signatures + [signature])
    }

    /// This note with `signer`'s signature over its text added.
    public func signed(by signer: NoteSigner) throws(LogError) -> SignedNote {
        try adding(try signer.signature(forText: text))
    }

    public var bytes: [UInt8] {
        var out = Array(text.utf8)
        out.append(TextRules.newline)
        for signature in signatures {
            out += signature.line.utf8
            out.append(TextRules.newline)
        }
        return out
    }

    public static func parse(_ bytes: [UInt8]) throws(LogError) -> SignedNote {
        try TextRules.checkControlCharacters(bytes)
        guard TextRules.string(bytes) != nil else { throw .noteNotUTF8 }
        guard bytes.last == TextRules.newline else { throw .noteMissingFinalNewline }
        // The text ends at the last blank line; everything after it is signature lines.
        guard let blank = lastBlankLine(in: bytes) else { throw .noteMissingBlankLine }
        let textBytes = bytes[..<(blank + 1)]
        try validateText(textBytes)
        let lines = TextRules.lines(bytes[(blank + 2)...])
        guard !lines.isEmpty else { throw .noteHasNoSignatures }
        guard lines.count <= maxSignatures else { throw .noteTooManySignatures }
        var signatures: [NoteSignature] = []
        for line in lines { signatures.append(try parseSignatureLine(line)) }
        return SignedNote(checkedText: String(decoding: textBytes, as: UTF8.self), signatures: signatures)
    }

    /// The known keys that signed this note. Lines from unknown keys are ignored, as the spec
    /// requires (they may be witnesses or a rotated log key). A line claimed by a known key
    /// that does not verify rejects the whole note, and so does a note no known key signed.
    public func verify(by verifiers: [NoteVerifier]) throws(LogError) -> [NoteVerifier] {
        let message = Array(text.utf8)
        var verified: [NoteVerifier] = []
        for signature in signatures {
            let claimants = verifiers.filter { $0.claims(signature) }
            if claimants.isEmpty { continue }
            // Name and key ID collide only by accident; then any claimant's key may have signed.
            guard let signer = claimants.first(where: { $0.publicKey.isValidSignature(signature.signature, for: message) })
            else { throw .signatureInvalid(keyName: signature.keyName) }
            if !verified.contains(signer) { verified.append(signer) }
        }
        guard !verified.isEmpty else { throw .noKnownSignature }
        return verified
    }

    private init(checkedText: String, signatures: [NoteSignature]) {
        text = checkedText
        self.signatures = signatures
    }

    /// Text rules: non-empty, newline-terminated, no control characters but newline, and a last
    /// line that is not blank, so exactly one blank line separates text from signatures.
    static func validateText(_ text: ArraySlice<UInt8>) throws(LogError) {
        try TextRules.checkControlCharacters(text)
        guard let last = text.last else { throw .noteTextEmpty }
        guard last == TextRules.newline else { throw .noteMissingFinalNewline }
        guard text.count > 1 else { throw .noteTextEmpty }
        guard text[text.endIndex - 2] != TextRules.newline else { throw .noteTextEndsWithBlankLine }
    }

    private static func lastBlankLine(in bytes: [UInt8]) -> Int? {
        var index = bytes.count - 2
        while index >= 0 {
            if bytes[index] == TextRules.newline && bytes[index + 1] == TextRules.newline { return index }
            index -= 1
        }
        return nil
    }

    private static func parseSignatureLine(_ line: ArraySlice<UInt8>) throws(LogError) -> NoteSignature {
        guard TextRules.hasPrefix(line, signaturePrefix) else { throw .noteSignatureLineMalformed }
        let rest = line.dropFirst(signaturePrefix.utf8.count)
        // Neither a key name nor base64 holds a space: exactly one separates them.
        let fields = rest.split(separator: TextRules.space, omittingEmptySubsequences: false)
        guard fields.count == 2, !fields[1].isEmpty else { throw .noteSignatureLineMalformed }
        let name = String(decoding: fields[0], as: UTF8.self)
        guard TextRules.isValidKeyName(name) else { throw .invalidKeyName }
        guard let payload = Base64.decode(String(decoding: fields[1], as: UTF8.self)) else {
            throw .noteSignatureNotBase64
        }
        guard payload.count > 4 else { throw .noteSignatureTooShort }
        return NoteSignature(unchecked: name, keyID: KeyIdentity.read(payload[0..<4]), signature: Array(payload[4...]))
    }
}
