/// An `application/x-www-form-urlencoded` body as the browser sends it. Repeated names keep
/// their last value; a name may hold several lines (textarea).
public struct FormBody: Sendable {
    public private(set) var values: [String: String] = [:]

    public init(_ body: String) {
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            // A pair that is not valid percent-encoded UTF-8 is dropped, never half-read.
            guard let name = Self.decode(parts[0]), let value = parts.count > 1 ? Self.decode(parts[1]) : "" else { continue }
            values[name] = value
        }
    }

    public subscript(_ name: String) -> String? { values[name] }

    /// The value with surrounding white space removed; nil when empty.
    public func trimmed(_ name: String) -> String? {
        guard let v = values[name]?.trimmingWhitespace, !v.isEmpty else { return nil }
        return v
    }

    static func decode(_ s: Substring) -> String? {
        var out: [UInt8] = []
        var bytes = Array(s.utf8)[...]
        while let c = bytes.popFirst() {
            switch c {
            case UInt8(ascii: "+"): out.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard bytes.count >= 2, let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) else { return nil }
                out.append(v)
                bytes = bytes.dropFirst(2)
            default: out.append(c)
            }
        }
        return String(validating: out, as: UTF8.self)
    }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
