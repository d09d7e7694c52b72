/// Hex and strict base64 for public values (keys, hashes, ids). Not constant-time: never feed secrets.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Lower-case hex only; anything else is nil.
    public static func decode(_ text: String) -> [UInt8]? {
        let u = Array(text.utf8)
        guard u.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let hi = value(u[i]), let lo = value(u[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

/// Standard base64 (RFC 4648 §4, with padding). `decode` accepts only the canonical encoding:
/// padding present, no whitespace, and unused trailing bits zero, so each value has one spelling.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let reverse: [UInt8] = {
        var r = [UInt8](repeating: 0xff, count: 256)
        for (i, c) in alphabet.enumerated() { r[Int(c)] = UInt8(i) }
        return r
    }()

    public static func encode(_ bytes: [UInt8]) -> String {
        let a = alphabet
        var out = [UInt8](repeating: 0, count: (bytes.count + 2) / 3 * 4)
        var i = 0, o = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out[o] = a[Int(n >> 18 & 63)]; out[o + 1] = a[Int(n >> 12 & 63)]
            out[o + 2] = a[Int(n >> 6 & 63)]; out[o + 3] = a[Int(n & 63)]
            i += 3
            o += 4
        }
        let rest = bytes.count - i
        if rest > 0 {
            let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out[o] = a[Int(n >> 18 & 63)]
            out[o + 1] = a[Int(n >> 12 & 63)]
            out[o + 2] = rest == 2 ? a[Int(n >> 6 & 63)] : UInt8(ascii: "=")
            out[o + 3] = UInt8(ascii: "=")
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var text = String(text)
        return text.withUTF8 { decode(bytes: $0) }
    }

    /// Decodes base64 held as bytes (a line of a file), without making a String of it first.
    public static func decode(bytes u: some Collection<UInt8>) -> [UInt8]? {
        if let out = u.withContiguousStorageIfAvailable({ decode(buffer: $0) }) { return out }
        return Array(u).withUnsafeBufferPointer { decode(buffer: $0) }
    }

    private static func decode(buffer u: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard u.count % 4 == 0 else { return nil }
        if u.isEmpty { return [] }
        let pad = u[u.count - 1] == UInt8(ascii: "=") ? (u[u.count - 2] == UInt8(ascii: "=") ? 2 : 1) : 0
        var out = [UInt8](repeating: 0, count: u.count / 4 * 3 - pad)
        let ok = reverse.withUnsafeBufferPointer { r in
            out.withUnsafeMutableBufferPointer { o in
                var i = 0, j = 0
                while i < u.count {
                    let last = i + 4 == u.count
                    let c0 = r[Int(u[i])], c1 = r[Int(u[i + 1])]
                    guard c0 != 0xff, c1 != 0xff else { return false }
                    if last && pad == 2 {
                        guard c1 & 0x0f == 0 else { return false }
                        o[j] = c0 << 2 | c1 >> 4
                    } else if last && pad == 1 {
                        let c2 = r[Int(u[i + 2])]
                        guard c2 != 0xff, c2 & 0x03 == 0 else { return false }
                        o[j] = c0 << 2 | c1 >> 4
                        o[j + 1] = c1 << 4 | c2 >> 2
                    } else {
                        let c2 = r[Int(u[i + 2])], c3 = r[Int(u[i + 3])]
                        guard c2 != 0xff, c3 != 0xff else { return false }
                        o[j] = c0 << 2 | c1 >> 4
                        o[j + 1] = c1 << 4 | c2 >> 2
                        o[j + 2] = c2 << 6 | c3
                    }
                    i += 4
                    j += 3
                }
                return true
            }
        }
        return ok ? out : nil
    }
}
