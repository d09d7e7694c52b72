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
        let bytes = secret.withUnsafeBytes { Array($0) }
        var r = ByteReader(bytes)
        do {
            switch try r.u8() {
            case 1:
                guard let s = String(validating: try r.raw(r.remaining), as: UTF8.self) else { break }
                return .text(s)
            case 2:
                guard let s = String(validating: try r.raw(r.remaining), as: UTF8.self), let i = Int(s) else { break }
                return .integer(i)
            case 3:
                let b = try r.u8()
                try r.expectEnd()
                guard b <= 1 else { break }
                return .bool(b == 1)
            case 4:
                let n = try r.count()
                var items: [String] = []
                for _ in 0..<n { items.append(try r.string()) }
                try r.expectEnd()
                return .list(items)
            default: break
            }
        } catch {}
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
