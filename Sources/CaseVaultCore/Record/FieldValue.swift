import AccessPolicy
import SodiumKit

/// One leaf of a case record.
public enum FieldValue: Equatable, Sendable {
    case text(String)
    case integer(Int)
    case bool(Bool)
    case list([String])

    /// Plaintext encoding inside a field ciphertext (docs/FORMAT.md, "Field plaintext"):
    /// a tag byte, then UTF-8 text (1), a decimal integer (2), 0/1 (3), or a counted list of strings (4).
    func encoded() -> [UInt8] {
        var w = ByteWriter()
        switch self {
        case let .text(s): w.u8(1); w.raw(s)
        case let .integer(i): w.u8(2); w.raw(String(i))
        case let .bool(b): w.u8(3); w.u8(b ? 1 : 0)
        case let .list(items):
            w.u8(4)
            w.u32(UInt32(items.count))
            for item in items { w.string(item) }
        }
        return w.bytes
    }

    static func decode(_ secret: SecureBytes) throws(VaultError) -> FieldValue {
        try secret.withUnsafeBytes { b throws(VaultError) in try decode(b) }
    }

    /// Decodes straight from (secure) memory, without an intermediate array copy.
    static func decode(_ b: UnsafeRawBufferPointer) throws(VaultError) -> FieldValue {
        func text(_ from: Int, _ to: Int) -> String? {
            String(validating: UnsafeRawBufferPointer(rebasing: b[from..<to]).bindMemory(to: UInt8.self), as: UTF8.self)
        }
        guard let tag = b.first else { throw .format("a field's plaintext is malformed") }
        switch tag {
        case 1:
            if let s = text(1, b.count) { return .text(s) }
        case 2:
            if let s = text(1, b.count), let i = Int(s), String(i) == s { return .integer(i) }
        case 3:
            if b.count == 2, b[1] <= 1 { return .bool(b[1] == 1) }
        case 4:
            func u32(_ at: Int) -> Int? {
                guard at + 4 <= b.count else { return nil }
                return Int(b[at]) << 24 | Int(b[at + 1]) << 16 | Int(b[at + 2]) << 8 | Int(b[at + 3])
            }
            guard let n = u32(1), n <= b.count else { break }
            var at = 5
            var items: [String] = []
            items.reserveCapacity(n)
            for _ in 0..<n {
                guard let len = u32(at), at + 4 + len <= b.count, let s = text(at + 4, at + 4 + len) else { throw .format("a field's plaintext is malformed") }
                items.append(s)
                at += 4 + len
            }
            if at == b.count { return .list(items) }
        default: break
        }
        throw .format("a field's plaintext is malformed")
    }

    /// For JSON output and display.
    public var jsonObject: Any {
        switch self {
        case let .text(s): s
        case let .integer(i): i
        case let .bool(b): b
        case let .list(l): l
        }
    }

    public var displayText: String {
        switch self {
        case let .text(s): s
        case let .integer(i): String(i)
        case let .bool(b): b ? "ja" : "nei"
        case let .list(l): l.joined(separator: ", ")
        }
    }
}
