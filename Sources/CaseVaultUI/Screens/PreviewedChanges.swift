import CaseVaultCore
import SodiumKit

/// The changes a merge preview showed, as one hash the confirm form carries back. The browser
/// keeps no state between the preview and the confirmation, so the POST recomputes the merge and
/// writes it only when the hash is the same: exactly what was shown, or nothing. Keyed by the
/// session's CSRF secret, so the hash tells nothing about the values outside this session.
enum PreviewedChanges {
    static func digest(_ changes: [AnswerMerge.Change], csrf: UIToken) -> String {
        var bytes = Array("casevault/ui/merge-preview\0".utf8) + Array(csrf.revealedText.utf8)
        func part(_ text: String) {
            let utf8 = Array(text.utf8)
            let n = UInt32(utf8.count)
            bytes += [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)] + utf8
        }
        func value(_ v: FieldValue?) {
            switch v {
            case nil: part("none")
            case let .text(s)?: part("text"); part(s)
            case let .integer(i)?: part("integer"); part(String(i))
            case let .bool(b)?: part("bool"); part(b ? "1" : "0")
            case let .list(items)?: part("list"); part(String(items.count)); items.forEach(part)
            }
        }
        part(String(changes.count))
        for c in changes {
            part(c.path)
            value(c.before)
            value(c.after)
        }
        let digits = Array("0123456789abcdef")
        return String(BLAKE2b.hash(bytes).flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }

    /// Whether `submitted` (from the form) names exactly `changes`, in constant time.
    static func matches(_ submitted: String?, _ changes: [AnswerMerge.Change], csrf: UIToken) -> Bool {
        guard let submitted else { return false }
        let expected = Array(digest(changes, csrf: csrf).utf8), given = Array(submitted.utf8)
        return expected.count == given.count && Memory.constantTimeEquals(expected, given)
    }
}
