import AccessPolicy

/// What a member may write by hand, beyond each value's own checks: what a new case must name,
/// dates of something already done (never after the writer's Oslo date), and groups that only
/// the vault itself writes. Problems name fields, never values.
struct RecordWriteRules {
    /// Without these a case cannot be found, dated or counted.
    static let requiredInNewCase = ["person.alias", "case.opened", "case.type"]

    /// Dates of what has happened: a case opened, a child born, a home obtained, a task done.
    static let pastPatterns: Set<String> = [
        "case.opened", "case.closed", "person.birth_date", "children[].birth_date", "result.obtained_on",
        "tasks[].done", "consents[].given_on", "housing.assessed_on", "notes[].date",
    ]

    /// Groups only the vault itself writes, and the command that does: `answers[]` entries come
    /// only from an imported answer, signed by its recipient; `documents[]` entries only with
    /// their encrypted content, which a patch cannot carry.
    static let importOnlyGroups: [(group: String, writer: String)] = [
        ("answers", "only an imported answer (`handover import-answer`) writes answers"),
        ("documents", "only `casevault case document add` writes documents"),
    ]

    let today: CalendarDate

    /// Each written path in a group only an import writes.
    static func importOnly(in written: [String: FieldValue]) -> [String] {
        written.keys.sorted().compactMap { path in
            importOnlyGroups.first { path.hasPrefix($0.group + "[") }.map { "\(path): \($0.writer)" }
        }
    }

    /// Each required field a new record lacks.
    static func missing(in fields: [String: FieldValue]) -> [String] {
        requiredInNewCase.filter { fields[$0] == nil }.map { "\($0): required in a new case" }
    }

    /// Each written date that should be in the past and lies after today (Oslo).
    func futureDates(in written: [String: FieldValue]) -> [String] {
        written.keys.sorted().compactMap { path in
            guard let pattern = FieldCatalog.pattern(ofPath: path), Self.pastPatterns.contains(pattern),
                  case let .text(s)? = written[path], let date = CalendarDate(s), today < date else { return nil }
            return "\(path): lies in the future (after \(today.norwegianText)); it records what has happened"
        }
    }

    /// Refuses a new record that lacks a required field or dates the past in the future.
    func checkNewCase(_ fields: [String: FieldValue]) throws(VaultError) {
        let list = ProblemList()
        list.items = Self.missing(in: fields) + futureDates(in: fields) + Self.importOnly(in: fields)
        try list.throwIfAny()
    }
}
