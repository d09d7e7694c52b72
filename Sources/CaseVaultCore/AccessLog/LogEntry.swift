import SodiumKit

/// One access-log entry (docs/FORMAT.md, "Log entry"): canonical text, one field per
/// line in a fixed order, LF only, signed by its actor. It carries ids, field paths and fixed
/// words only: no names, no values, no free text, no hash of a guessable value.
public struct LogEntry: Sendable, Equatable {
    public static let header = "casevault-log-entry v1"
    package static let signatureDomain = Array("casevault/v1/log-entry\0".utf8)
    /// The actor of an attempt made with a key that is not on the roster.
    public static let unknownActor = "unknown"

    public var vaultID: VaultID
    public var index: UInt64
    public var time: Timestamp
    public var actor: String
    public var signer: SigningPublicKey
    public var action: String
    public var caseID: CaseID?
    public var fields: [String]
    public var detail: [(key: String, value: String)]
    /// Salted commitment to a free-text reason kept encrypted in the vault.
    public var reasonCommitment: [UInt8]?
    public var signature: [UInt8]

    public static func == (a: LogEntry, b: LogEntry) -> Bool { a.text == b.text }

    /// The signed part: every line but the last.
    var signedText: String {
        // Appended in place: a listing signs one entry per case it shows.
        var t = ""
        t.reserveCapacity(400 + fields.count * 24)
        t += Self.header
        t += "\nvault "; t += vaultID.hex
        t += "\nindex "; t += String(index)
        t += "\ntime "; t += time.rfc3339
        t += "\nactor "; t += actor
        t += "\nkey "; t += Base64.encode(signer.bytes)
        t += "\naction "; t += action
        t += "\ncase "; t += caseID?.hex ?? "-"
        t += "\nfields "
        if fields.isEmpty { t += "-" }
        for (i, f) in fields.enumerated() {
            if i > 0 { t += "," }
            t += f
        }
        t += "\ndetail "
        if detail.isEmpty { t += "-" }
        for (i, d) in detail.enumerated() {
            if i > 0 { t += ";" }
            t += d.key; t += "="; t += d.value
        }
        t += "\nreason "; t += reasonCommitment.map(Base64.encode) ?? "-"
        t += "\n"
        return t
    }

    /// The whole entry: the Merkle leaf.
    public var text: String { signedText + "signature \(Base64.encode(signature))\n" }

    /// The entry's bytes: what is signed (up to the signature line) and hashed as the Merkle leaf.
    public var bytes: [UInt8] { Array(text.utf8) }

    public func detailValue(_ key: String) -> String? { detail.first { $0.key == key }?.value }

    /// Detail keys and values are fixed vocabulary: ids, numbers and words from this program.
    static func isSafeToken(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 128 && s.utf8.allSatisfy {
            (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || [0x2D, 0x2E, 0x3A, 0x5F, 0x2B].contains($0)
        }
    }

    /// Member ids and `unknown`; field paths and actions from this program: checked when signing
    /// so that every entry written parses back (docs/FORMAT.md, "Log entry", lists the alphabets).
    static func validateVocabulary(actor: String, action: String, fields: [String]) throws(VaultError) {
        func check(_ s: String, _ rule: (LogEntryScanner, Range<Int>) -> Bool) -> Bool {
            Array(s.utf8).withUnsafeBufferPointer { rule(LogEntryScanner($0), 0..<$0.count) }
        }
        guard check(actor, { $0.isActorID($1) }) else { throw .input("log actor must be a member id") }
        guard isSafeToken(action) else { throw .input("log action must be a plain token") }
        for f in fields where !check(f, { $0.isFieldPath($1) }) { throw .input("log field paths must be record paths") }
    }

    package static func sign(vaultID: VaultID, index: UInt64, time: Timestamp, actor: String, key: any MessageSigner, action: String,
                     caseID: CaseID?, fields: [String], detail: [String: String], reasonCommitment: [UInt8]?) throws(VaultError) -> LogEntry {
        for (k, v) in detail where !isSafeToken(k) || !isSafeToken(v) { throw .input("log detail must be plain tokens") }
        try validateVocabulary(actor: actor, action: action, fields: fields)
        var e = LogEntry(vaultID: vaultID, index: index, time: time, actor: actor, signer: key.publicKey, action: action, caseID: caseID,
                         fields: fields, detail: detail.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                         reasonCommitment: reasonCommitment, signature: [])
        do { e.signature = try key.signature(for: signatureDomain + Array(e.signedText.utf8)) } catch let error as VaultError { throw error } catch {
            throw .io("cannot sign the log entry: \(error)")
        }
        return e
    }

    public func verifySignature() throws(VaultError) {
        do { try signer.verify(signature, for: Self.signatureDomain + Array(signedText.utf8)) } catch {
            throw .auth("log entry \(index): signature does not verify")
        }
    }

    /// Strict parse: exact header, every line in order, each value in its one canonical spelling,
    /// so the entry re-encodes to exactly `bytes`.
    public static func parse(_ bytes: [UInt8]) throws(VaultError) -> LogEntry {
        try bytes.withUnsafeBufferPointer { p throws(VaultError) in try parse(p).entry }
    }

    /// Parses and also returns the length of the signed part (everything before the `signature` line).
    package static func parse(_ p: UnsafeBufferPointer<UInt8>) throws(VaultError) -> (entry: LogEntry, signedLength: Int) {
        for c in p where c < 0x20 || c > 0x7E {
            if c == 0x0A { continue }
            if c == 0x0D { throw .format("log entry contains a carriage return") }
            if c > 0x7E { throw .format("log entry contains a byte outside printable ASCII") }
            throw .format("log entry contains a control character")
        }
        var s = LogEntryScanner(p)
        guard s.take("casevault-log-entry v1\n") else {
            if s.take("casevault-log-entry ") { throw .format("log entry version is not supported") }
            throw .format("log entry is malformed")
        }
        let vault = try s.line("vault"), index = try s.line("index"), time = try s.line("time"), actor = try s.line("actor")
        let key = try s.line("key"), action = try s.line("action"), caseLine = try s.line("case"), fieldsLine = try s.line("fields")
        let detailLine = try s.line("detail"), reasonLine = try s.line("reason")
        let signedLength = s.offset
        let signature = try s.line("signature")
        guard s.atEnd else { throw .format("log entry has bytes after its signature line") }

        guard let vaultID = s.hex(vault, count: 16) else { throw .format("log entry vault id is malformed") }
        guard let idx = s.decimal(index) else { throw .format("log entry index is not a canonical decimal") }
        guard let when = s.time(time) else { throw .format("log entry time is malformed") }
        guard s.isActorID(actor) else { throw .format("log entry actor is malformed") }
        guard let keyBytes = s.base64(key, count: SigningPublicKey.byteCount), let signer = try? SigningPublicKey(bytes: keyBytes)
        else { throw .format("log entry key is not canonical base64 of 32 bytes") }
        guard s.isToken(action) else { throw .format("log entry action is malformed") }
        var caseID: CaseID?
        if !s.isDash(caseLine) {
            guard let c = s.hex(caseLine, count: 10) else { throw .format("log entry case id is malformed") }
            caseID = CaseID(unchecked: c)
        }
        var fields: [String] = []
        if !s.isDash(fieldsLine) {
            var start = fieldsLine.lowerBound
            for k in fieldsLine.lowerBound...fieldsLine.upperBound where k == fieldsLine.upperBound || s[k] == 0x2C {
                guard s.isFieldPath(start..<k) else { throw .format("log entry fields are malformed") }
                fields.append(s.string(start..<k))
                start = k + 1
            }
        }
        var detail: [(key: String, value: String)] = []
        if !s.isDash(detailLine) {
            var start = detailLine.lowerBound
            var previousKey: Range<Int>?
            for k in detailLine.lowerBound...detailLine.upperBound where k == detailLine.upperBound || s[k] == 0x3B {
                guard let eq = (start..<k).first(where: { s[$0] == 0x3D }), s.isToken(start..<eq), s.isToken(eq + 1..<k)
                else { throw .format("log entry detail is malformed") }
                // Keys strictly ascending: the order `sign` writes, and no key twice.
                if let prev = previousKey {
                    let a = UnsafeBufferPointer(rebasing: p[prev]), b = UnsafeBufferPointer(rebasing: p[start..<eq])
                    guard a.lexicographicallyPrecedes(b) else { throw .format("log entry detail keys are not in order") }
                }
                previousKey = start..<eq
                detail.append((s.string(start..<eq), s.string(eq + 1..<k)))
                start = k + 1
            }
        }
        var reason: [UInt8]?
        if !s.isDash(reasonLine) {
            guard let r = s.base64(reasonLine, count: 32) else { throw .format("log entry reason commitment is malformed") }
            reason = r
        }
        guard let sig = s.base64(signature, count: SigningPublicKey.signatureByteCount) else {
            throw .format("log entry signature is not canonical base64 of 64 bytes")
        }
        let e = LogEntry(vaultID: VaultID(unchecked: vaultID), index: idx, time: when, actor: s.string(actor), signer: signer,
                         action: s.string(action), caseID: caseID, fields: fields, detail: detail, reasonCommitment: reason, signature: sig)
        return (e, signedLength)
    }
}
