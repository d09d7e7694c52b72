import SodiumKit

/// The signed text records of recovery and break-glass (docs/FORMAT.md, "Recovery and
/// break-glass"): a header line naming kind and version, `key value` lines in a fixed order,
/// then `signature <base64>`, an Ed25519 signature over `domain ‖ every line before it`.
/// Values are plain tokens (no spaces, no newlines), so each text has one parse.
struct EscrowStatement: Sendable {
    let header: String
    let fields: [(key: String, value: String)]
    let signature: [UInt8]

    var body: String { ([header] + fields.map { "\($0.key) \($0.value)" }).joined(separator: "\n") + "\n" }
    var text: String { body + "signature \(Base64.encode(signature))\n" }

    func value(_ key: String) -> String { fields.first { $0.key == key }?.value ?? "" }

    /// `H("casevault/v2/<kind>-hash\0" ‖ text)`: what log entries and later statements name.
    func hash(kind: String) -> [UInt8] { BLAKE2b.hash(Array("casevault/v2/\(kind)-hash\0".utf8) + Array(text.utf8)) }

    static func sign(header: String, fields: [(String, String)], domain: String, key: any MessageSigner) throws(VaultError) -> EscrowStatement {
        for (k, v) in fields where !isToken(k) || !isToken(v) { throw .input("\(header): \(k) must be a plain token") }
        let unsigned = EscrowStatement(header: header, fields: fields.map { (key: $0.0, value: $0.1) }, signature: [])
        do {
            return EscrowStatement(header: header, fields: unsigned.fields,
                                   signature: try key.signature(for: Array(domain.utf8) + Array(unsigned.body.utf8)))
        } catch let e as VaultError { throw e } catch { throw .io("cannot sign the \(header)", cause: error) }
    }

    /// Parses a text with exactly `keys` in this order; an unknown header or version is refused.
    static func parse(_ text: String, header: String, keys: [String]) throws(VaultError) -> EscrowStatement {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.last == "" else { throw .format("\(header): the text does not end with a newline") }
        lines.removeLast()
        guard let first = lines.first else { throw .format("\(header): empty") }
        guard first == header else {
            let kind = header.split(separator: " ").first.map(String.init) ?? header
            throw .format(first.hasPrefix(kind + " ") ? "\(first) is not supported (this program reads \(header))" : "not a \(header)")
        }
        guard lines.count == keys.count + 2 else { throw .format("\(header): expected \(keys.count) fields and a signature") }
        var fields: [(key: String, value: String)] = []
        for (line, key) in zip(lines[1...keys.count], keys) {
            guard line.hasPrefix(key + " "), isToken(String(line.dropFirst(key.count + 1))) else { throw .format("\(header): expected \(key)") }
            fields.append((key, String(line.dropFirst(key.count + 1))))
        }
        let last = lines[keys.count + 1]
        guard last.hasPrefix("signature "), let sig = Base64.decode(last.dropFirst(10)), sig.count == 64 else {
            throw .format("\(header): malformed signature line")
        }
        let s = EscrowStatement(header: header, fields: fields, signature: sig)
        guard s.text == text else { throw .format("\(header): not in its one canonical form") }
        return s
    }

    func verify(domain: String, by key: SigningPublicKey) throws(VaultError) {
        do { try key.verify(signature, for: Array(domain.utf8) + Array(body.utf8)) } catch {
            throw .auth("the \(header) does not carry a valid signature of its author")
        }
    }

    /// Printable ASCII without spaces: ids, numbers, hex, base64, times, comma lists.
    static func isToken(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 4096 && s.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}

/// Text encodings shared by the escrow records.
enum EscrowText {
    static func u64(_ s: String, _ what: String) throws(VaultError) -> UInt64 {
        guard let v = UInt64(s), String(v) == s else { throw .format("\(what) is not a number") }
        return v
    }

    static func time(_ s: String, _ what: String) throws(VaultError) -> Timestamp {
        guard let t = Timestamp(rfc3339: s) else { throw .format("\(what) is not a time") }
        return t
    }

    static func hex(_ s: String, count: Int, _ what: String) throws(VaultError) -> [UInt8] {
        guard let b = Hex.decode(s), b.count == count else { throw .format("\(what) is malformed") }
        return b
    }

    static func list(_ s: String) -> [String] { s == "-" ? [] : s.split(separator: ",").map(String.init) }
    static func list(_ items: [String]) -> String { items.isEmpty ? "-" : items.joined(separator: ",") }
}
