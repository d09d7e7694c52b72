import SodiumKit

/// The least a new passphrase must be. The key file's Argon2id slows each guess; this keeps the
/// guesses from being few. A rule people can follow at 2 a.m.: twelve characters or more, not
/// one repeated pattern, not a well-known password. Four random words pass easily.
public enum PassphraseStrength {
    public static let minimumCharacters = 12
    static let minimumDistinct = 6
    /// Well-known choices, compared case-insensitively after removing spaces.
    static let wellKnown: Set<String> = [
        "password1234", "passord12345", "123456789012", "qwertyuiop12", "qwertyuiopå", "krisesenteret", "krisesenter1",
        "casevault123", "casevaultcasevault", "correcthorsebatterystaple", "letmeinletmein", "sommer2026!!", "vinter2026!!",
    ]
    public static let hint = "use at least \(minimumCharacters) characters; four random words, such as 'fjell tau melk sykkel', are strong and easy to type"

    /// Nil when strong enough, else why not (never echoing the passphrase).
    public static func weakness(of passphrase: SecureBytes) -> String? {
        passphrase.withUnsafeBytes { raw -> String? in
            let text = String(decoding: raw, as: UTF8.self)
            let characters = Array(text)
            if characters.count < minimumCharacters { return "the new passphrase has \(characters.count) characters; at least \(minimumCharacters) are needed" }
            if Set(characters).count < minimumDistinct { return "the new passphrase repeats too few different characters" }
            let squeezed = text.lowercased().filter { !$0.isWhitespace }
            if wellKnown.contains(squeezed) { return "the new passphrase is a well-known one" }
            if isPeriodic(characters) { return "the new passphrase is one short pattern repeated" }
            return nil
        }
    }

    /// Refuses a weak new passphrase with the rule in the hint.
    public static func require(_ passphrase: SecureBytes) throws(VaultError) {
        if let why = weakness(of: passphrase) { throw .input("\(why); \(hint)") }
    }

    /// "abcabcabcabc", "121212121212": a pattern of at most four characters repeated.
    private static func isPeriodic(_ c: [Character]) -> Bool {
        for period in 1...4 where c.count > period {
            if (period..<c.count).allSatisfy({ c[$0] == c[$0 - period] }) { return true }
        }
        return false
    }
}
