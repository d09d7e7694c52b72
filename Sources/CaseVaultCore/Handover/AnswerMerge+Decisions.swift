import AccessPolicy

extension AnswerMerge {
    /// A decision by NAV or the housing office sets the status of the case's latest application
    /// of the kind it decides, or adds that application with the sender as responsible. A partly
    /// granted application counts as granted; the amount and the reply deadline stay in
    /// `answers[]`, where `tasks` follows the deadline up.
    static func decisionChanges(answer a: String, applicationKind: String, fields: [String: FieldValue],
                                record: RecordConsistency) -> [String: FieldValue] {
        guard case let .text(outcome)? = fields[a + "decision"] else { return [:] }
        let existing = record.indices("applications")
        let k = existing.last { fields["applications[\($0)].kind"] == .text(applicationKind) } ?? (existing.max() ?? -1) + 1
        var set: [String: FieldValue] = [
            "applications[\(k)].kind": .text(applicationKind),
            "applications[\(k)].status": .text(outcome == "refused" ? "refused" : "granted"),
        ]
        if !existing.contains(k), let role = fields[a + "from_role"] { set["applications[\(k)].responsible"] = role }
        return set
    }
}
