import AccessPolicy

/// Rules that need more than the record: what a new case must name, and dates that record
/// something already done, which cannot lie after the writer's Oslo date. Problems name
/// fields, never values.
struct RecordDateRules {
    /// Without these a case cannot be found, dated or counted.
    static let requiredInNewCase = ["person.alias", "case.opened", "case.type"]

    /// Dates of what has happened: a case opened, a child born, a home obtained, a task done.
    static let pastPatterns: Set<String> = [
        "case.opened", "case.closed", "person.birth_date", "children[].birth_date", "result.obtained_on",
        "tasks[].done", "consents[].given_on", "housing.assessed_on", "notes[].date",
    ]

    let today: CalendarDate

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
        list.items = Self.missing(in: fields) + futureDates(in: fields)
        try list.throwIfAny()
    }
}
