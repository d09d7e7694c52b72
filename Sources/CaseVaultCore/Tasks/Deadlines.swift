import AccessPolicy

/// Works out what is due in one case from the fields a reader can see, against an injected
/// "today" so the result does not depend on the clock.
public struct Deadlines: Sendable {
    /// A disclosure whose receipt has not come back after this many days is followed up.
    public static let receiptGraceDays = 7

    public let today: CalendarDate

    public init(today: CalendarDate) { self.today = today }

    /// The field patterns `items` reads: a due list decrypts and logs these, nothing else.
    static let patternsRead: Set<String> = [
        "person.alias", "case.status", "tasks[].done", "tasks[].due", "tasks[].what", "tasks[].owner",
        "measures[].renewal_due", "measures[].valid_to", "measures[].type", "threats[].next_review", "threats[].subject",
        "followup.next_meeting", "consents[].withdrawn_on", "consents[].valid_to", "consents[].reference",
        "disclosures[].receipt", "disclosures[].date", "disclosures[].recipient", "disclosures[].expires",
        "answers[].offer_respond_by", "answers[].from", "answers[].decision_respond_by", "answers[].kind",
    ]

    /// Whether `items` reads the field at `path`.
    static func reads(_ path: String) -> Bool { FieldCatalog.pattern(ofPath: path).map(patternsRead.contains) ?? false }

    public func items(caseID: CaseID, fields: [String: FieldValue]) -> [DueItem] {
        var out: [DueItem] = []
        let alias = text(fields["person.alias"])
        let groups = Self.groupIndices(fields)
        func add(_ kind: DueItem.Kind, _ path: String, _ what: String, owner: String, due: CalendarDate) {
            out.append(DueItem(caseID: caseID, alias: alias, kind: kind, path: path, what: what, owner: owner, due: due,
                               daysLeft: due.daysSinceEpoch - today.daysSinceEpoch))
        }
        for i in groups["tasks", default: []] {
            guard fields["tasks[\(i)].done"] == nil, let due = date(fields["tasks[\(i)].due"]) else { continue }
            add(.task, "tasks[\(i)].due", text(fields["tasks[\(i)].what"]) ?? "oppgave \(i + 1)",
                owner: text(fields["tasks[\(i)].owner"]) ?? "centre", due: due)
        }
        for i in groups["measures", default: []] {
            guard let due = date(fields["measures[\(i)].renewal_due"]) else { continue }
            if let end = date(fields["measures[\(i)].valid_to"]), end < today { continue }  // lapsed: nothing to renew
            let type = text(fields["measures[\(i)].type"]).map { ValueLabels.label(of: $0, pattern: "measures[].type") } ?? "tiltak"
            add(.measureRenewal, "measures[\(i)].renewal_due", "Forny \(type)", owner: "centre", due: due)
        }
        for i in groups["threats", default: []] {
            guard let due = date(fields["threats[\(i)].next_review"]) else { continue }
            let subject = text(fields["threats[\(i)].subject"]).map { $0 == "adult" ? "voksen" : $0 }
            add(.threatReview, "threats[\(i)].next_review", "Gjennomgå trusselbildet" + (subject.map { " (\($0))" } ?? ""),
                owner: "centre", due: due)
        }
        if let due = date(fields["followup.next_meeting"]) {
            add(.followUpMeeting, "followup.next_meeting", "Oppfølgingsmøte", owner: "centre", due: due)
        }
        for i in groups["consents", default: []] {
            guard fields["consents[\(i)].withdrawn_on"] == nil, let due = date(fields["consents[\(i)].valid_to"]) else { continue }
            add(.consentExpiry, "consents[\(i)].valid_to", "Samtykke \(text(fields["consents[\(i)].reference"]) ?? "") utløper",
                owner: "centre", due: due)
        }
        for i in groups["disclosures", default: []] {
            guard fields["disclosures[\(i)].receipt"] == nil, let sent = date(fields["disclosures[\(i)].date"]) else { continue }
            let due = sent.adding(days: Self.receiptGraceDays)
            add(.receiptMissing, "disclosures[\(i)].receipt", "Kvittering mangler fra \(text(fields["disclosures[\(i)].recipient"]) ?? "mottaker")",
                owner: "centre", due: due)
        }
        for i in groups["disclosures", default: []] {
            guard let due = date(fields["disclosures[\(i)].expires"]) else { continue }
            add(.bundleExpiry, "disclosures[\(i)].expires", "Pakke til \(text(fields["disclosures[\(i)].recipient"]) ?? "mottaker") utløper",
                owner: "centre", due: due)
        }
        for i in groups["answers", default: []] {
            guard let due = date(fields["answers[\(i)].offer_respond_by"]) else { continue }
            add(.offerResponse, "answers[\(i)].offer_respond_by", "Svar på boligtilbud fra \(text(fields["answers[\(i)].from"]) ?? "boligkontoret")",
                owner: "resident", due: due)
        }
        for i in groups["answers", default: []] {
            guard let due = date(fields["answers[\(i)].decision_respond_by"]) else { continue }
            let kind = text(fields["answers[\(i)].kind"]).map { ValueLabels.label(of: $0, pattern: "answers[].kind") } ?? "vedtak"
            add(.decisionResponse, "answers[\(i)].decision_respond_by", "Svar på \(kind) fra \(text(fields["answers[\(i)].from"]) ?? "mottakeren")",
                owner: "resident", due: due)
        }
        return out
    }

    /// Overdue first (the longest overdue at the top), then by due date; ties by case and field.
    public static func sorted(_ items: [DueItem]) -> [DueItem] {
        // Sorted by index so that the large items are not moved about while comparing.
        let order = items.indices.sorted { i, j in
            let a = items[i], b = items[j]
            if a.due != b.due { return a.due < b.due }
            if a.caseID != b.caseID { return a.caseID < b.caseID }
            return a.path < b.path
        }
        return order.map { items[$0] }
    }

    /// The item numbers present per list (`tasks` → [0, 1, 3]), in one pass over the paths.
    static func groupIndices(_ fields: [String: FieldValue]) -> [String: [Int]] {
        var seen: [String: Set<Int>] = [:]
        for path in fields.keys {
            // Bytes, not Characters: a path is ASCII ("tasks[3].due"), and this runs per field per case.
            let u = path.utf8
            guard let open = u.firstIndex(of: UInt8(ascii: "[")) else { continue }
            var i = 0, digits = 0, at = u.index(after: open)
            while at < u.endIndex, let d = u[at].asciiDigit, digits < 6 {
                i = i * 10 + d
                digits += 1
                at = u.index(after: at)
            }
            guard digits > 0, at < u.endIndex, u[at] == UInt8(ascii: "]") else { continue }
            seen[String(path[..<open]), default: []].insert(i)
        }
        return seen.mapValues { $0.sorted() }
    }

    private func text(_ value: FieldValue?) -> String? {
        if case let .text(s)? = value { return s }
        return nil
    }

    private func date(_ value: FieldValue?) -> CalendarDate? { text(value).flatMap(CalendarDate.init) }
}

extension CalendarDate {
    /// Whole days since 1970-01-01.
    public var daysSinceEpoch: Int { Int(startSeconds / 86_400) }

    public func adding(days: Int) -> CalendarDate {
        let t = Timestamp(seconds: startSeconds + Int64(days) * 86_400)
        return CalendarDate(t.date)!
    }
}

private extension UInt8 {
    var asciiDigit: Int? { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) ? Int(self - UInt8(ascii: "0")) : nil }
}
