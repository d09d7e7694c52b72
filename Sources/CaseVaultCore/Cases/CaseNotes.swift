import Foundation

/// Who wrote a note and when: the author and time of the signed version that wrote it.
public struct NoteOrigin: Sendable, Equatable {
    public let author: String
    public let written: Timestamp
}

extension Session {
    /// Adds a note to the case: plain text, dated with today's Oslo date. The new version is
    /// signed by the member and carries the time, so the note needs no author field of its own.
    /// Any text is taken as written (colons, quotes, new lines): it is never read as YAML.
    @discardableResult
    public func addNote(_ caseID: CaseID, text: String, reason: String? = nil) throws(VaultError) -> UInt64 {
        guard text.contains(where: { !$0.isWhitespace }) else { throw .input("the note is empty") }
        let entry: [String: String] = ["date": clock.now().osloDateField, "text": text]
        // As JSON, the patch format's other syntax, the text is one quoted string whatever it holds.
        guard let json = try? JSONSerialization.data(withJSONObject: ["add": ["notes": entry]], options: [.sortedKeys]) else {
            throw .input("the note cannot be encoded")
        }
        return try updateCase(caseID, patchText: String(decoding: json, as: UTF8.self), reason: reason)
    }
}

extension OpenedCase {
    /// For each note the reader sees (`notes[2]`), the version that last wrote its text. Paths
    /// of a removed entry are never reused, so an index names one note for good.
    public var noteOrigins: [String: NoteOrigin] {
        var out: [String: NoteOrigin] = [:]
        for version in chain {
            for path in version.written where path.hasPrefix("notes[") && path.hasSuffix("].text") {
                out[String(path.dropLast(".text".count))] = NoteOrigin(author: version.author, written: version.created)
            }
        }
        return out.filter { fields[$0.key + ".text"] != nil }
    }
}
