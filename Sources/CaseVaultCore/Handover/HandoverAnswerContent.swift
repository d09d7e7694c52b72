import AccessPolicy

/// What a recipient may send back, as record fields under `answers[0]` (docs/FORMAT.md,
/// "Handover answer"): the police their own assessment or the measures they decided, the
/// housing office or NAV a housing offer, NAV its decisions on money, the housing office its
/// decision on an application. The centre adds who sent it and when on import.
enum AnswerContent {
    static let maxInputBytes = 1 << 16
    static let maxPayloadBytes = 1 << 16

    /// Fields the centre sets from the verified answer; a recipient may not supply them.
    static let centreFields = ["answer", "bundle", "from", "from_role", "received"]

    static func kinds(for role: Role) -> [String] {
        switch role {
        case .police: ["assessment", "measures"]
        case .housingOffice: ["housing-offer", "application-decision"]
        case .nav: ["housing-offer", "deposit-guarantee", "social-assistance", "housing-allowance"]
        default: []
        }
    }

    /// The kinds that are a decision on an application, each with the `applications[].kind` it
    /// decides: a decision carries its outcome, its date and the date a reply is due by.
    static let decidedApplication = [
        "deposit-guarantee": "deposit-guarantee", "social-assistance": "social-assistance",
        "housing-allowance": "housing-allowance", "application-decision": "municipal-housing",
    ]
    static let decisionKeys = ["decision", "decision_date", "decision_amount", "decision_respond_by"]

    /// Parses the answer file (JSON or YAML: `kind`, `summary`, and the kind's own keys).
    static func parse(_ text: String, role: Role) throws(VaultError) -> [String: FieldValue] {
        guard text.utf8.count <= maxInputBytes else { throw .input("the answer file is over \(maxInputBytes) bytes") }
        let root = try InputNode.parse(text)
        guard case .object = root else { throw .input("an answer must be an object with \"kind\" and its content") }
        var fields: [String: FieldValue] = [:]
        try RecordParser(allowSyntheticIDs: false).flatten(root, at: "answers[0]", into: &fields)
        try check(fields, role: role)
        return fields
    }

    /// Checks a payload's fields: one kind the role may send, only that kind's keys, its required keys.
    static func check(_ fields: [String: FieldValue], role: Role) throws(VaultError) {
        guard case let .text(kind)? = fields["answers[0].kind"] else { throw .input("the answer needs a kind (\(FieldCatalog.answerKinds.joined(separator: ", ")))") }
        guard kinds(for: role).contains(kind) else { throw .denied("\(role.rawValue) may not send an answer of kind \(kind)") }
        let own: [String]
        let required: [String]
        switch kind {
        case "assessment": (own, required) = (["assessment_tool", "assessment_level", "assessment_date"], ["assessment_level", "assessment_date"])
        case "measures": (own, required) = (["measures"], ["measures[0].type", "measures[0].decided_on"])
        case "housing-offer": (own, required) = (["offer_area", "offer_kind", "offer_available_from", "offer_respond_by"], ["offer_area"])
        default: (own, required) = (decisionKeys, ["decision", "decision_date", "decision_respond_by"])
        }
        for path in fields.keys {
            let key = path.dropFirst("answers[0].".count)
            guard path.hasPrefix("answers[0]."), key == "kind" || key == "summary" || own.contains(where: { key == $0 || key.hasPrefix($0 + "[") }) else {
                throw .input("an answer of kind \(kind) may not hold \(path.prefix(80))")
            }
        }
        for key in required where fields["answers[0].\(key)"] == nil { throw .input("an answer of kind \(kind) needs answers[0].\(key)") }
        if case let .text(decided)? = fields["answers[0].decision_date"], case let .text(due)? = fields["answers[0].decision_respond_by"],
           let a = CalendarDate(decided), let b = CalendarDate(due), b < a {
            throw .input("answers[0].decision_respond_by lies before decision_date")
        }
        for i in RecordConsistency(fields: fields, sealed: []).indices("answers[0].measures") {
            for key in ["type", "decided_on"] where fields["answers[0].measures[\(i)].\(key)"] == nil {
                throw .input("answers[0].measures[\(i)] needs \(key)")
            }
            if case let .text(from)? = fields["answers[0].measures[\(i)].valid_from"], case let .text(to)? = fields["answers[0].measures[\(i)].valid_to"],
               let a = CalendarDate(from), let b = CalendarDate(to), b < a {
                throw .input("answers[0].measures[\(i)].valid_to lies before valid_from")
            }
        }
        let problems = RecordConsistency(fields: fields, sealed: []).problems()
        if !problems.isEmpty { throw .input(problems.joined(separator: "; ")) }
        guard HandoverBundle.encodePayload(fields).count <= maxPayloadBytes else { throw .input("the answer is over \(maxPayloadBytes) bytes") }
    }
}
