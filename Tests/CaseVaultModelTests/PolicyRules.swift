import AccessPolicy

/// The rules a sequence can install, each a small edit of the default policy so the change is
/// one a centre might sign: the night shift gains the notes, loses its own instructions (a
/// narrowing, which splits a class the contact person must re-seal), or reaches only cases it
/// is assigned to (out of centre-wide scope: its role key rotates, and again when it comes back).
enum PolicyRules: String, CaseIterable, CustomStringConvertible {
    case standard
    case nightReadsNotes
    case nightWithoutInstructions
    case nightShiftAssigned

    /// Whether the night shift reaches every case (it is never assigned to one).
    var nightShiftReachesCases: Bool { self != .nightShiftAssigned }

    var description: String { rawValue }

    /// The policy file of these rules at `serial`: the default text with the rules' lines replaced.
    func bytes(serial: Int) -> [UInt8] {
        var text = Self.defaultText.replacingOccurrences(of: "serial: 1\n", with: "serial: \(serial)\n")
        for (rule, replacement) in edits {
            precondition(text.contains(rule), "the default policy no longer has the line \(rule)")
            text = text.replacingOccurrences(of: rule, with: replacement)
        }
        return Array(text.utf8)
    }

    /// Parsed once: every seat's check compares with these rules.
    private static let defaultText = String(decoding: Policy.makeDefault().sourceBytes, as: UTF8.self)

    private var edits: [(String, String)] {
        switch self {
        case .standard: []
        case .nightReadsNotes: [
            ("notes[].date: {read: [contact-person, resident]", "notes[].date: {read: [contact-person, night-shift, resident]"),
            ("notes[].text: {read: [contact-person, resident]", "notes[].text: {read: [contact-person, night-shift, resident]"),
        ]
        case .nightWithoutInstructions: [
            ("safety.night_instructions: {read: [contact-person, child-contact, night-shift, resident]",
             "safety.night_instructions: {read: [contact-person, child-contact, resident]"),
        ]
        case .nightShiftAssigned: [
            ("centre-wide: [night-shift, leader]", "centre-wide: [leader]"),
            ("case-assigned: [contact-person, child-contact, resident]", "case-assigned: [contact-person, child-contact, night-shift, resident]"),
        ]
        }
    }
}
