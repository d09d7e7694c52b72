import SodiumKit

/// One access-log entry (docs/FORMAT.md, "Access log entry"): canonical text, one field per
/// line in a fixed order, LF only, signed by its actor. It carries ids, field paths and fixed
/// words only: no names, no values, no free text, no hash of a guessable value.
public struct LogEntry: Sendable, Equatable {
    public static let header = "casevault-log-entry v1"
    static let signatureDomain = Array("casevault/v1/log-entry\0".utf8)
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
        var lines = [Self.header, "vault \(vaultID.hex)", "index \(index)", "time \(time.rfc3339)", "actor \(actor)",
                     "key \(Base64.encode(signer.bytes))", "action \(action)"]
        lines.append("case \(caseID?.hex ?? "-")")
        lines.append("fields \(fields.isEmpty ? "-" : fields.joined(separator: ","))")
        lines.append("detail \(detail.isEmpty ? "-" : detail.map { "\($0.key)=\($0.value)" }.joined(separator: ";"))")
        lines.append("reason \(reasonCommitment.map(Base64.encode) ?? "-")")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The whole entry: the Merkle leaf.
    public var text: String { signedText + "signature \(Base64.encode(signature))\n" }

    func detailValue(_ key: String) -> String? { detail.first { $0.key == key }?.value }

    /// Detail keys and values are fixed vocabulary: ids, numbers and words from this program.
    static func isSafeToken(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 128 && s.utf8.allSatisfy {
            (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || [0x2D, 0x2E, 0x3A, 0x5F, 0x2B].contains($0)
        }
    }

    static func sign(vaultID: VaultID, index: UInt64, time: Timestamp, actor: String, key: SigningSecretKey, action: String,
                     caseID: CaseID?, fields: [String], detail: [String: String], reasonCommitment: [UInt8]?) throws(VaultError) -> LogEntry {
        for (k, v) in detail where !isSafeToken(k) || !isSafeToken(v) { throw .input("log detail must be plain tokens") }
        var e = LogEntry(vaultID: vaultID, index: index, time: time, actor: actor, signer: key.publicKey, action: action, caseID: caseID,
                         fields: fields, detail: detail.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                         reasonCommitment: reasonCommitment, signature: [])
        e.signature = key.signature(for: signatureDomain + Array(e.signedText.utf8))
        return e
    }

    public func verifySignature() throws(VaultError) {
        do { try signer.verify(signature, for: Self.signatureDomain + Array(signedText.utf8)) } catch {
            throw .auth("log entry \(index): signature does not verify")
        }
    }

    /// Strict parse: exact header, every line in order, canonical encodings; re-encoding must give the same bytes.
    public static func parse(_ bytes: [UInt8]) throws(VaultError) -> LogEntry {
        guard !bytes.contains(0x0D) else { throw .format("log entry contains a carriage return") }
        guard !bytes.contains(where: { $0 < 0x20 && $0 != 0x0A }) else { throw .format("log entry contains a control character") }
        guard let text = String(validating: bytes, as: UTF8.self), text.hasSuffix("\n") else { throw .format("log entry is not LF-terminated UTF-8") }
        let lines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let keys = ["vault", "index", "time", "actor", "key", "action", "case", "fields", "detail", "reason", "signature"]
        guard lines.count == keys.count + 1, lines[0] == header else {
            if lines.first?.hasPrefix("casevault-log-entry ") == true, lines.first != header { throw .format("log entry version \"\(lines[0])\" is not supported") }
            throw .format("log entry is malformed")
        }
        var v: [String: String] = [:]
        for (key, line) in zip(keys, lines.dropFirst()) {
            guard line.hasPrefix(key + " ") else { throw .format("log entry line \"\(key)\" is missing or out of order") }
            v[key] = String(line.dropFirst(key.count + 1))
        }
        guard let vault = VaultID(hex: v["vault"]!),
              let index = UInt64(v["index"]!), String(index) == v["index"]!,
              let time = Timestamp(rfc3339: v["time"]!),
              let keyBytes = Base64.decode(v["key"]!), let key = try? SigningPublicKey(bytes: keyBytes),
              let sig = Base64.decode(v["signature"]!), sig.count == 64
        else { throw .format("log entry has a malformed value") }
        let caseID: CaseID? = v["case"] == "-" ? nil : try CaseID(v["case"]!)
        let fields = v["fields"] == "-" ? [] : v["fields"]!.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var detail: [(String, String)] = []
        if v["detail"] != "-" {
            for pair in v["detail"]!.split(separator: ";", omittingEmptySubsequences: false) {
                let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard kv.count == 2 else { throw .format("log entry detail is malformed") }
                detail.append((kv[0], kv[1]))
            }
        }
        var reason: [UInt8]?
        if v["reason"] != "-" {
            guard let r = Base64.decode(v["reason"]!), r.count == 32 else { throw .format("log entry reason commitment is malformed") }
            reason = r
        }
        let e = LogEntry(vaultID: vault, index: index, time: time, actor: v["actor"]!, signer: key, action: v["action"]!, caseID: caseID,
                         fields: fields, detail: detail, reasonCommitment: reason, signature: sig)
        guard Array(e.text.utf8) == bytes else { throw .format("log entry is not in canonical form") }
        return e
    }
}
