import AccessPolicy

/// What merging one imported answer (`answers[n]`) into the rest of the case changes: a police
/// assessment into a threat mapping's `police_assessment`, decided measures into `measures[]`
/// (the same type's entry renewed, or a new one), a decision by NAV or the housing office into
/// the status of the application it decides. The contact person sees the changes before they
/// are written; the answer itself stays in `answers[]` as the evidence.
public struct AnswerMerge: Sendable {
    public struct Change: Sendable, Equatable {
        public let path: String
        /// Nil when the field is new.
        public let before: FieldValue?
        public let after: FieldValue
    }

    public let answerIndex: Int
    public let answerID: String
    public let kind: String
    /// In record order; empty when the case already holds everything the answer says.
    public let changes: [Change]
    /// Why the answer leaves the record as it is, when it does (an offer is followed up from `answers[]`).
    public let note: String?

    /// A measure's renewal reminder falls this many days before its new end.
    public static let renewalLeadDays = 14

    /// Works out the merge from the fields the contact person reads. `threat` is the threat
    /// mapping (0-based) a police assessment belongs to; by default the first.
    static func propose(answer n: Int, fields: [String: FieldValue], sealedPaths: [String], threat: Int?) throws(VaultError) -> AnswerMerge {
        let a = "answers[\(n)]."
        // Entries sealed to others count too: a new entry never takes an index already in use.
        let record = RecordConsistency(fields: fields, sealed: Set(sealedPaths))
        guard case let .text(kind)? = fields[a + "kind"], case let .text(answerID)? = fields[a + "answer"] else {
            throw .notFound("the case has no imported answer \(n + 1) (`case show` lists answers[])")
        }
        let from = fields[a + "from"]
        var set: [String: FieldValue] = [:]
        var note: String?
        switch kind {
        case "assessment":
            let threats = record.indices("threats")
            let t = threat ?? threats.first ?? 0
            guard threat == nil || threats.contains(t) else { throw .input("--threat \(t + 1): the case has no threat mapping \(t + 1)") }
            if threats.isEmpty { set["threats[\(t)].subject"] = .text("adult") }
            for (from, to) in [("assessment_tool", "tool"), ("assessment_level", "level"), ("assessment_date", "date")] {
                if let v = fields[a + from] { set["threats[\(t)].police_assessment.\(to)"] = v }
            }
        case "measures":
            let existing = record.indices("measures")
            var next = (existing.max() ?? -1) + 1
            for j in record.indices("answers[\(n)].measures") {
                let m = "\(a)measures[\(j)]."
                guard let type = fields[m + "type"] else { continue }
                // The same type's latest entry is renewed; a type the case does not hold yet is added.
                let k = existing.last { fields["measures[\($0)].type"] == type } ?? {
                    defer { next += 1 }
                    return next
                }()
                set["measures[\(k)].type"] = type
                if let v = fields[m + "valid_from"] { set["measures[\(k)].valid_from"] = v }
                if let v = fields[m + "valid_to"] {
                    set["measures[\(k)].valid_to"] = v
                    if case let .text(to) = v, let end = CalendarDate(to) {
                        set["measures[\(k)].renewal_due"] = .text(end.adding(days: -Self.renewalLeadDays).description)
                    }
                }
                if let from { set["measures[\(k)].decided_by"] = from }
            }
        default:
            if let applicationKind = AnswerContent.decidedApplication[kind] {
                set = decisionChanges(answer: a, applicationKind: applicationKind, fields: fields, record: record)
            } else {
                note = "et tilbud endrer ikke resten av saken; svarfristen følges opp under oppgaver"
            }
        }
        let changes = CaseRecord.order(Array(set.keys)).compactMap { path -> Change? in
            guard let after = set[path], fields[path] != after else { return nil }
            return Change(path: path, before: fields[path], after: after)
        }
        return AnswerMerge(answerIndex: n, answerID: answerID, kind: kind, changes: changes, note: note)
    }
}

extension CaseOperations {
    /// Writes the merge, recomputed in the writing transaction (so it is exactly what the case
    /// holds now), as a `case.update` naming the answer; refused when it changes nothing or when
    /// it differs from `expected`, the changes the contact person confirmed.
    func mergeAnswer(_ caseID: CaseID, answer n: Int, threat: Int?, expected: [AnswerMerge.Change]?) throws(VaultError) -> (merge: AnswerMerge, version: UInt64) {
        try vault.write { db in
            let state = try currentState(db)
            let opened = try open(caseID, state: state, db: db)
            let merge = try AnswerMerge.propose(answer: n, fields: opened.fields, sealedPaths: opened.sealedPaths, threat: threat)
            guard !merge.changes.isEmpty else {
                throw VaultError.refused("answer \(n + 1) changes nothing in the case: \(merge.note ?? "it is merged already")")
            }
            if let expected, expected != merge.changes { throw VaultError.refused("the case changed since the merge was shown; show it again") }
            var patch = RecordPatch()
            patch.set = Dictionary(uniqueKeysWithValues: merge.changes.map { ($0.path, $0.after) })
            let change = try patch.resolve(existingPaths: Set(opened.fields.keys).union(opened.sealedPaths))
            try patch.refuseProblems(in: opened, change: change, writer: member,
                                     access: CaseAccess(policy: state.policy, roster: state.roster, assignments: opened.latest.assignments),
                                     today: clock.now().osloDate)
            let (version, _, _) = try writeVersion(db: db, state: state, opened: opened, written: change.written, removed: change.removed,
                                                   assignments: opened.latest.assignments,
                                                   log: VersionLogEntry(action: .caseUpdate, fields: CaseRecord.order(Array(change.written.keys)),
                                                                        detail: ["merged-answer": merge.answerID], reason: nil))
            return (merge, version)
        }
    }
}

extension Session {
    /// The changes merging imported answer `n` (0-based) would make, from a logged read of the case.
    public func proposeAnswerMerge(_ caseID: CaseID, answer n: Int, threat: Int? = nil) throws(VaultError) -> AnswerMerge {
        let opened = try showCase(caseID, reason: nil)
        return try AnswerMerge.propose(answer: n, fields: opened.fields, sealedPaths: opened.sealedPaths, threat: threat)
    }

    /// Merges imported answer `n` into the case as a new version; `expected` (the changes shown)
    /// makes the write refuse when the case moved in between.
    public func mergeAnswer(_ caseID: CaseID, answer n: Int, threat: Int? = nil,
                            expected: [AnswerMerge.Change]? = nil) throws(VaultError) -> (merge: AnswerMerge, version: UInt64) {
        try loggingRefusal("handover.merge-answer", caseID: caseID) { () throws(VaultError) in
            try CaseOperations(session: self).mergeAnswer(caseID, answer: n, threat: threat, expected: expected)
        }
    }
}
