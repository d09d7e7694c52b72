import AccessPolicy

/// Which fields a handover carries: of the fields the sender can read, those the policy lets the
/// recipient's role read (the policy maximum), the protected address only when asked for, and of
/// the consents only those naming the recipient's role; narrowed to the sender's choice when one
/// is given. A case document is never part of the maximum: it leaves only when the sender names
/// it, and then whole. `handover create` and `handover request` both use it, so what is approved
/// is what leaves.
struct HandoverFieldChoice {
    let policy: Policy
    let role: Role
    let includeAddress: Bool

    /// A sender's choice is field paths or prefixes of them as the catalogue names them
    /// (`threats`, `measures[0]`, `person.alias`, `measures[].type`).
    static func validate(_ chosen: [String]?, option: String = "--field") throws(VaultError) {
        guard let chosen else { return }
        guard !chosen.isEmpty, chosen.count <= 1000 else { throw .input("give between 1 and 1000 \(option) options") }
        for s in chosen {
            guard !s.isEmpty, s.utf8.count <= 256, !s.contains(","), let pattern = FieldCatalog.pattern(ofPath: s),
                  FieldCatalog.fields.contains(where: { Self.covers(s: pattern, path: $0.pattern) }) else {
                // Echoed only when printable, so the error stays one line.
                let shown = s.unicodeScalars.allSatisfy { $0.properties.generalCategory != .control } ? String(s.prefix(60)) : "(a value with control characters)"
                throw .input("\(option) \(shown) names no field of the catalogue (see `casevault policy show`)")
            }
        }
    }

    /// `s` names `path` itself, or a section, group or entry that holds it.
    static func covers(s: String, path: String) -> Bool {
        path == s || path.hasPrefix(s + ".") || path.hasPrefix(s + "[")
    }

    /// A selector matches a stored path directly (`measures[0]`) or through its pattern (`measures[].type`).
    static func matches(_ s: String, path: String) -> Bool {
        covers(s: s, path: path) || FieldCatalog.pattern(ofPath: path).map { covers(s: s, path: $0) } == true
    }

    /// The policy maximum for this recipient, of `readable` (the fields the sender can read).
    func maximum(of readable: [String: FieldValue]) -> [String: FieldValue] {
        readable.filter { path, _ in mayLeave(path, readable: readable) && (includeAddress || !Self.isAddress(path)) && !Self.isDocument(path) }
    }

    /// The fields that leave: the maximum, or exactly the chosen part of it. A selector that
    /// matches nothing the sender can read, or only fields the recipient may not get, is refused
    /// naming it, as is one that would take a document's content without naming its entry, or
    /// that the policy keeps from the recipient; nothing has been written then.
    func select(from readable: [String: FieldValue], chosen: [String]?) throws(VaultError) -> [String: FieldValue] {
        guard let chosen else { return maximum(of: readable) }
        var out: [String: FieldValue] = [:]
        for s in chosen {
            let matched = readable.keys.filter { Self.matches(s, path: $0) }
            guard !matched.isEmpty else { throw .input("--field \(s) matches nothing in this case that you can read") }
            let leaving = matched.filter { mayLeave($0, readable: readable) }
            guard !leaving.isEmpty else {
                throw .input("--field \(s): the policy does not give it to \(role.rawValue), or its consent names another recipient")
            }
            // Asking for the address by name is not enough: it leaves only with --include-address, as without --field.
            guard includeAddress || !leaving.allSatisfy(Self.isAddress) else {
                throw .input("--field \(s) is the protected address: it leaves only with --include-address")
            }
            try checkDocuments(s, matched: matched, leaving: leaving)
            for path in leaving where includeAddress || !Self.isAddress(path) { out[path] = readable[path] }
        }
        try Self.checkWholeDocuments(out)
        return out
    }

    /// A document's content (its key, and with it the stored stream) leaves only for a selector
    /// naming its entry, `documents[2]` or `documents[2].content`: `documents` or a pattern would
    /// send every document, which no one should do by accident.
    private func checkDocuments(_ s: String, matched: [String], leaving: [String]) throws(VaultError) {
        let contents = matched.filter(DocumentReference.isContentPath)
        guard !contents.isEmpty else { return }
        guard Self.namesOneDocument(s) else {
            throw .input("--field \(s) would hand over every document; name each one to send (documents[0], documents[1], …)")
        }
        guard contents.allSatisfy({ leaving.contains($0) }) else {
            throw .input("--field \(s): the policy does not give the document's content to \(role.rawValue)")
        }
    }

    /// `documents[2]` or `documents[2].content`, not `documents` or `documents[].content`.
    private static func namesOneDocument(_ s: String) -> Bool {
        guard s.hasPrefix("documents["), let next = s.dropFirst("documents[".count).first else { return false }
        return next.isASCII && next.isNumber
    }

    /// A document leaves whole: with its content go its title, kind, size and date, which the
    /// recipient needs to open and name it.
    private static func checkWholeDocuments(_ out: [String: FieldValue]) throws(VaultError) {
        for path in out.keys where DocumentReference.isContentPath(path) {
            let entry = path.dropLast(".content".count)
            for field in ["title", "kind", "size", "added"] where out["\(entry).\(field)"] == nil {
                throw .input("--field \(path): a document leaves only whole, with its title, kind, size and date (give --field \(entry))")
            }
        }
    }

    /// How many fields the role may read are sealed from the sender (of those chosen, with a
    /// choice): the sender is told they were not sent.
    func withheld(_ opened: OpenedCase, chosen: [String]?) -> Int {
        let granted = policy.readablePatterns(for: role)
        return opened.sealedFields.filter { f in
            (FieldCatalog.pattern(ofPath: f.path).map(granted.contains) ?? false) && (chosen?.contains { Self.matches($0, path: f.path) } ?? true)
        }.count
    }

    /// The policy lets the role read the field, and a consent entry names this recipient role.
    private func mayLeave(_ path: String, readable: [String: FieldValue]) -> Bool {
        guard policy.canRead(role, field: path).isAllowed else { return false }
        guard let entry = Self.consentEntry(path) else { return true }
        return readable["\(entry).recipient_role"] == .text(role.rawValue)
    }

    /// `consents[3]` for `consents[3].purpose`; nil for a field outside `consents`.
    private static func consentEntry(_ path: String) -> Substring? {
        guard path.hasPrefix("consents["), let close = path.firstIndex(of: "]") else { return nil }
        return path[...close]
    }

    private static func isAddress(_ path: String) -> Bool { path.hasPrefix("address.") }

    private static func isDocument(_ path: String) -> Bool { path.hasPrefix("documents[") }
}
