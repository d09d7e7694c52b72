import SodiumKit

/// A bearer secret of the web interface (launch token, session token, CSRF token): 32 random
/// bytes from libsodium, shown only as URL-safe text where it must travel. Its description is
/// redacted so it never reaches a log line or an error message by accident.
public struct UIToken: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    private let bytes: [UInt8]

    public init() { bytes = Random.bytes(32) }

    /// Parses the text form; nil for anything that is not exactly a token's text.
    public init?(text: some StringProtocol) {
        guard text.utf8.count == 64 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(32)
        var utf8 = text.utf8.makeIterator()
        while let hi = utf8.next(), let lo = utf8.next() {
            guard let h = Self.nibble(hi), let l = Self.nibble(lo) else { return nil }
            out.append(h << 4 | l)
        }
        bytes = out
    }

    /// The text form (64 lowercase hex digits): only for a cookie, a hidden field or the launch URL.
    public var revealedText: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Equality without an early exit, so timing tells nothing about a guessed prefix.
    public func matches(_ other: UIToken) -> Bool { Memory.constantTimeEquals(bytes, other.bytes) }

    public var description: String { "<redacted token>" }
    public var debugDescription: String { description }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
