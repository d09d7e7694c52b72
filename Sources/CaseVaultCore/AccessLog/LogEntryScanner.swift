import SodiumKit

/// Byte-level reading of one log entry (docs/FORMAT.md, "Log entry"). Every value has one
/// spelling, checked field by field, so an accepted entry re-encodes to the same bytes without
/// building the text again: the auditor parses a million entries, and String work there would
/// cost as much as the signature checks themselves.
struct LogEntryScanner {
    private let b: UnsafeBufferPointer<UInt8>
    private var i = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { b = bytes }

    var offset: Int { i }
    var atEnd: Bool { i == b.count }

    /// Consumes `literal` exactly, or returns false without moving.
    mutating func take(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard b.count - i >= n else { return false }
        let p = literal.utf8Start
        for k in 0..<n where b[i + k] != p[k] { return false }
        i += n
        return true
    }

    /// Reads `key SP value LF` and returns the value's byte range.
    mutating func line(_ key: StaticString) throws(VaultError) -> Range<Int> {
        guard take(key), take(" ") else { throw .format("log entry line \"\(key)\" is missing or out of order") }
        let start = i
        while i < b.count, b[i] != 0x0A { i += 1 }
        guard i < b.count else { throw .format("log entry is not LF-terminated") }
        defer { i += 1 }
        return start..<i
    }

    subscript(_ k: Int) -> UInt8 { b[k] }

    func string(_ r: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self) }

    func isDash(_ r: Range<Int>) -> Bool { r.count == 1 && b[r.lowerBound] == 0x2D }

    // MARK: Values

    /// Lower-case hex of exactly `count` bytes.
    func hex(_ r: Range<Int>, count: Int) -> [UInt8]? {
        guard r.count == 2 * count else { return nil }
        var out = [UInt8](repeating: 0, count: count)
        for k in 0..<count {
            guard let hi = Self.hexValue(b[r.lowerBound + 2 * k]), let lo = Self.hexValue(b[r.lowerBound + 2 * k + 1]) else { return nil }
            out[k] = hi << 4 | lo
        }
        return out
    }

    /// Unsigned decimal without sign or leading zero (except `0`), at most 2^64 − 1.
    func decimal(_ r: Range<Int>) -> UInt64? {
        guard !r.isEmpty, r.count <= 20, r.count == 1 || b[r.lowerBound] != 0x30 else { return nil }
        var v: UInt64 = 0
        for k in r {
            let d = b[k] &- 0x30
            guard d < 10 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(d))
            guard !o1, !o2 else { return nil }
            v = s
        }
        return v
    }

    /// Exactly `YYYY-MM-DDTHH:MM:SSZ`, a real UTC date in 1800…2200 (the range `Timestamp` writes).
    func time(_ r: Range<Int>) -> Timestamp? {
        guard r.count == 20 else { return nil }
        let s = r.lowerBound
        guard b[s + 4] == 0x2D, b[s + 7] == 0x2D, b[s + 10] == 0x54, b[s + 13] == 0x3A, b[s + 16] == 0x3A, b[s + 19] == 0x5A,
              let year = digits(s, 4), let month = digits(s + 5, 2), let day = digits(s + 8, 2),
              let hour = digits(s + 11, 2), let minute = digits(s + 14, 2), let second = digits(s + 17, 2),
              (1800...2200).contains(year), (1...12).contains(month), day >= 1, day <= CalendarDate.days(inMonth: month, year: year),
              hour < 24, minute < 60, second < 60
        else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        return Timestamp(seconds: days * 86_400 + Int64(hour * 3600 + minute * 60 + second))
    }

    private func digits(_ start: Int, _ n: Int) -> Int? {
        var v = 0
        for k in start..<start + n {
            let d = b[k] &- 0x30
            guard d < 10 else { return nil }
            v = v * 10 + Int(d)
        }
        return v
    }

    /// Canonical padded base64 (RFC 4648 §4) of exactly `count` bytes: the one spelling `Base64.encode` gives.
    func base64(_ r: Range<Int>, count: Int) -> [UInt8]? {
        guard r.count == (count + 2) / 3 * 4 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(count)
        var k = r.lowerBound
        while k < r.upperBound {
            let c0 = Self.b64[Int(b[k])], c1 = Self.b64[Int(b[k + 1])]
            guard c0 < 64, c1 < 64 else { return nil }
            let left = count - out.count
            if left == 1 {
                guard b[k + 2] == 0x3D, b[k + 3] == 0x3D, c1 & 0x0F == 0 else { return nil }
                out.append(c0 << 2 | c1 >> 4)
            } else if left == 2 {
                let c2 = Self.b64[Int(b[k + 2])]
                guard c2 < 64, b[k + 3] == 0x3D, c2 & 0x03 == 0 else { return nil }
                out += [c0 << 2 | c1 >> 4, c1 << 4 | c2 >> 2]
            } else {
                let c2 = Self.b64[Int(b[k + 2])], c3 = Self.b64[Int(b[k + 3])]
                guard c2 < 64, c3 < 64 else { return nil }
                out += [c0 << 2 | c1 >> 4, c1 << 4 | c2 >> 2, c2 << 6 | c3]
            }
            k += 4
        }
        return out
    }

    // MARK: Vocabularies

    /// A member id (`RosterEntry.validate(id:)`) or `unknown`: a lower-case letter, then letters, digits, '-', '.'; ≤ 32.
    func isActorID(_ r: Range<Int>) -> Bool {
        guard (1...32).contains(r.count), Self.isLower(b[r.lowerBound]) else { return false }
        return r.allSatisfy { Self.isLower(b[$0]) || Self.isDigit(b[$0]) || b[$0] == 0x2D || b[$0] == 0x2E }
    }

    /// `LogEntry.isSafeToken`: 1–128 of a–z, 0–9, '-', '.', ':', '_', '+'.
    func isToken(_ r: Range<Int>) -> Bool {
        guard (1...128).contains(r.count) else { return false }
        return r.allSatisfy { Self.isTokenByte(b[$0]) }
    }

    /// A record path (`threats[0].perpetrators[1].name`): starts with a letter; a–z, 0–9, '_', '.', '[', ']', '-'; ≤ 128.
    func isFieldPath(_ r: Range<Int>) -> Bool {
        guard (1...128).contains(r.count), Self.isLower(b[r.lowerBound]) else { return false }
        return r.allSatisfy { Self.isPathByte(b[$0]) }
    }

    static func isLower(_ c: UInt8) -> Bool { c >= 0x61 && c <= 0x7A }
    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    static func isTokenByte(_ c: UInt8) -> Bool {
        isLower(c) || isDigit(c) || c == 0x2D || c == 0x2E || c == 0x3A || c == 0x5F || c == 0x2B
    }
    static func isPathByte(_ c: UInt8) -> Bool {
        isLower(c) || isDigit(c) || c == 0x5F || c == 0x2E || c == 0x5B || c == 0x5D || c == 0x2D
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        if isDigit(c) { return c - 0x30 }
        if c >= 0x61 && c <= 0x66 { return c - 0x61 + 10 }
        return nil
    }

    private static let b64: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (k, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { t[Int(c)] = UInt8(k) }
        return t
    }()

    /// Days since 1970-01-01 of a proleptic Gregorian date (the civil-from-days inverse), without libc's time zone machinery.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64(month > 2 ? month - 3 : month + 9)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
