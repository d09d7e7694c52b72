/// Byte-level rules shared by notes, checkpoints and proof files. All three are parsed from bytes
/// and compared as bytes: Swift's `String ==` treats canonically equivalent text as equal, which
/// would let two different signed byte strings pass for one another.
enum TextRules {
    static let newline: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let carriageReturn: UInt8 = 0x0D

    /// signed-note forbids every ASCII control character below U+0020 except newline. CR is
    /// reported apart because a CRLF conversion is the usual way a note gets broken in transit.
    static func checkControlCharacters(_ bytes: some Sequence<UInt8>) throws(LogError) {
        for byte in bytes where byte < 0x20 && byte != newline {
            throw byte == carriageReturn ? .noteContainsCarriageReturn : .noteContainsControlCharacter
        }
    }

    /// Decodes UTF-8, or nil when the bytes are not valid UTF-8 (the lenient decoder would have
    /// substituted U+FFFD, so a round trip that changes the bytes reveals invalid input).
    static func string(_ bytes: some Collection<UInt8>) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.utf8.elementsEqual(bytes) ? text : nil
    }

    static func sameBytes(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    /// signed-note key names: non-empty, no Unicode white space, no '+' (the vkey separator). Control
    /// characters are refused too, since a name must fit in a note.
    static func isValidKeyName(_ name: String) -> Bool {
        !name.isEmpty && !name.unicodeScalars.contains { scalar in
            scalar == "+" || scalar.value < 0x20 || scalar.properties.isWhitespace
        }
    }

    enum DecimalFailure: Error { case notDecimal, leadingZero, overflow }

    /// Canonical unsigned decimal: ASCII digits only, no sign, no leading zero unless the value is 0.
    static func parseDecimal(_ digits: some Collection<UInt8>) -> Result<UInt64, DecimalFailure> {
        guard !digits.isEmpty, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return .failure(.notDecimal) }
        if digits.count > 1 && digits.first == 0x30 { return .failure(.leadingZero) }
        var value: UInt64 = 0
        for digit in digits {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit - 0x30))
            if o1 || o2 { return .failure(.overflow) }
            value = sum
        }
        return .success(value)
    }

    /// Splits newline-terminated bytes into lines; the caller has checked the final newline.
    static func lines(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        Array(bytes.split(separator: newline, omittingEmptySubsequences: false).dropLast())
    }

    static func hasPrefix(_ bytes: ArraySlice<UInt8>, _ prefix: String) -> Bool {
        bytes.starts(with: prefix.utf8)
    }
}
