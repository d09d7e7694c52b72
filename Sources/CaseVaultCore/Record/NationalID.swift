/// Norwegian national identity numbers (fødselsnummer) and D-numbers: 11 digits, DDMMYY,
/// three individual digits, two check digits (mod 11). Synthetic test numbers (month +40
/// from NAV, +80 from Skatteetaten) are accepted only in a test vault.
public enum NationalID {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case notElevenDigits, badDate, badCheckDigits, syntheticInProductionVault
        public var description: String {
            switch self {
            case .notElevenDigits: "must be exactly 11 digits"
            case .badDate: "does not start with a valid date (DDMMYY, +4 on the first digit for a D-number)"
            case .badCheckDigits: "check digits do not match"
            case .syntheticInProductionVault: "is a synthetic test number, accepted only in a test vault"
            }
        }
    }

    private static let k1Weights = [3, 7, 6, 1, 8, 9, 4, 5, 2]
    private static let k2Weights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]

    public static func validate(_ text: String, allowSynthetic: Bool) throws(Failure) {
        let d = text.utf8.map { Int($0) - 48 }
        guard d.count == 11, d.allSatisfy({ (0...9).contains($0) }) else { throw .notElevenDigits }
        var day = d[0] * 10 + d[1]
        var month = d[2] * 10 + d[3]
        if day > 40 { day -= 40 }  // D-number
        var synthetic = false
        if month > 80 { month -= 80; synthetic = true } else if month > 40 { month -= 40; synthetic = true }
        // The century is not needed: 29 February needs a two-digit year divisible by 4 (00 may be 2000).
        let year = 2000 + d[4] * 10 + d[5]
        guard (1...12).contains(month), day >= 1, day <= CalendarDate.days(inMonth: month, year: year) else { throw .badDate }
        guard checkDigitsValid(d) else { throw .badCheckDigits }
        if synthetic && !allowSynthetic { throw .syntheticInProductionVault }
    }

    /// k1 has one valid value before 2032 and four after (11, 12, 13 or 14 minus the remainder);
    /// accepting all four is what the 2032 rule asks of a validator. k2 keeps its single rule.
    static func checkDigitsValid(_ d: [Int]) -> Bool {
        let r1 = zip(k1Weights, d).reduce(0) { $0 + $1.0 * $1.1 } % 11
        let k1Candidates = (11...14).map { base -> Int in
            let v = base - r1
            return v > 10 ? v - 11 : v
        }.filter { $0 != 10 }
        guard k1Candidates.contains(d[9]) else { return false }
        let r2 = zip(k2Weights, d).reduce(0) { $0 + $1.0 * $1.1 } % 11
        let k2 = r2 == 0 ? 0 : 11 - r2
        return k2 != 10 && k2 == d[10]
    }
}
