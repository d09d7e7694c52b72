import AccessPolicy

/// Cross-field rules: values that are each valid but contradict one another. Every problem is
/// reported, each as "path: what is wrong", naming fields, never their values. A rule that needs
/// a field sealed from the writer is skipped rather than guessed at.
struct RecordConsistency {
    let fields: [String: FieldValue]
    /// Paths that exist but the writer cannot read.
    let sealed: Set<String>

    func problems() -> [String] {
        var out: [String] = []
        out += birthDateMatchesNationalID()
        out += threatSubjectsNameAChild()
        out += ordered("case.opened", "case.closed", "is before case.opened")
        for i in indices("measures") {
            out += ordered("measures[\(i)].valid_from", "measures[\(i)].valid_to", "is before measures[\(i)].valid_from")
            out += ordered("measures[\(i)].renewal_due", "measures[\(i)].valid_to", "is before measures[\(i)].renewal_due", flip: true)
        }
        for i in indices("consents") {
            out += ordered("consents[\(i)].given_on", "consents[\(i)].withdrawn_on", "is before consents[\(i)].given_on")
            out += ordered("consents[\(i)].given_on", "consents[\(i)].valid_to", "is before consents[\(i)].given_on")
        }
        for i in indices("tasks") {
            if fields["tasks[\(i)].done_by"] != nil && fields["tasks[\(i)].done"] == nil && !sealed.contains("tasks[\(i)].done") {
                out.append("tasks[\(i)].done_by: names who did a task that has no date in tasks[\(i)].done")
            }
        }
        if fields["result.safe_home"] == .bool(false), fields["result.obtained_on"] != nil {
            out.append("result.obtained_on: a date is given though result.safe_home is false")
        }
        out += consentReferenced(by: "police.consent_ref")
        return out
    }

    /// The indices present in a top-level group, readable or not.
    func indices(_ group: String) -> [Int] {
        var seen = Set<Int>()
        for path in Array(fields.keys) + Array(sealed) where path.hasPrefix(group + "[") {
            let rest = path.dropFirst(group.count + 1)
            if let close = rest.firstIndex(of: "]"), let i = Int(rest[..<close]) { seen.insert(i) }
        }
        return seen.sorted()
    }

    private func date(_ path: String) -> CalendarDate? {
        if case let .text(s)? = fields[path] { return CalendarDate(s) }
        return nil
    }

    /// `later` must not lie before `earlier`; the problem is reported on `later` (or on
    /// `earlier` with `flip`, for a date that must come first).
    private func ordered(_ earlier: String, _ later: String, _ message: String, flip: Bool = false) -> [String] {
        guard let a = date(earlier), let b = date(later), b < a else { return [] }
        return flip ? ["\(earlier): is after \(later)"] : ["\(later): \(message)"]
    }

    /// DDMMYY of the identity number (less the D-number and synthetic offsets) against the birth date.
    private func birthDateMatchesNationalID() -> [String] {
        guard case let .text(id)? = fields["person.national_id"], let born = date("person.birth_date") else { return [] }
        let d = id.utf8.map { Int($0) - 48 }
        guard d.count == 11 else { return [] }
        var day = d[0] * 10 + d[1], month = d[2] * 10 + d[3]
        if day > 40 { day -= 40 }
        if month > 80 { month -= 80 } else if month > 40 { month -= 40 }
        let year = d[4] * 10 + d[5]
        guard day == born.day, month == born.month, year == born.year % 100 else {
            return ["person.birth_date: does not match the date in person.national_id"]
        }
        return []
    }

    /// A threat mapping is for the adult or for one of the children, by alias.
    private func threatSubjectsNameAChild() -> [String] {
        let childIndices = indices("children")
        guard !childIndices.contains(where: { sealed.contains("children[\($0)].alias") }) else { return [] }
        let aliases = Set(childIndices.compactMap { i -> String? in
            if case let .text(a)? = fields["children[\(i)].alias"] { return a }
            return nil
        })
        return indices("threats").compactMap { i in
            guard case let .text(subject)? = fields["threats[\(i)].subject"], subject != "adult", !aliases.contains(subject) else { return nil }
            return "threats[\(i)].subject: names neither \"adult\" nor the alias of a child in the case"
        }
    }

    private func consentReferenced(by path: String) -> [String] {
        guard case let .text(ref)? = fields[path],
              !sealed.contains(where: { $0.hasPrefix("consents[") && $0.hasSuffix("].reference") }) else { return [] }
        let known = indices("consents").contains { fields["consents[\($0)].reference"] == .text(ref) }
        return known ? [] : ["\(path): names no consent in consents"]
    }
}
