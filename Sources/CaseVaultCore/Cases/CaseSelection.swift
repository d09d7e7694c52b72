/// Which of the listed cases leave the core. A listing looks at the listing fields of every case
/// it reaches to decide, but only the cases it returns are handed out and logged as read; the
/// others' fields stay in the core. The rules are data, not a caller's closure, so a caller never
/// sees a field the selection left out.
public struct CaseSelection: Sendable, Equatable {
    /// Leaves out the cases whose `case.status` is `closed` (a case whose status the member
    /// cannot read is kept).
    public var openOnly: Bool
    /// Keeps the cases whose `person.alias` contains this text, ignoring case; nil or empty keeps all.
    public var aliasContaining: String?
    /// The page, from 0, of `pageSize` cases, the latest change first (past the end: the last
    /// page); nil returns every kept case in the listing's own order.
    public var page: Int?
    public var pageSize: Int

    public init(openOnly: Bool = false, aliasContaining: String? = nil, page: Int? = nil, pageSize: Int = 50) {
        self.openOnly = openOnly
        self.aliasContaining = aliasContaining
        self.page = page
        self.pageSize = max(1, pageSize)
    }

    public static let everything = CaseSelection()

    /// A rule the core's own listings add (the due list keeps cases with something due); never set by a caller.
    var alsoKeeping: (@Sendable (CaseSummary) -> Bool)?

    public static func == (a: CaseSelection, b: CaseSelection) -> Bool {
        a.openOnly == b.openOnly && a.aliasContaining == b.aliasContaining && a.page == b.page && a.pageSize == b.pageSize
            && (a.alsoKeeping == nil) == (b.alsoKeeping == nil)
    }

    func keeps(_ summary: CaseSummary) -> Bool {
        if summary.problem != nil { return true }  // a damaged case is always listed, so it is noticed
        if openOnly, summary.glance["case.status"] == .text("closed") { return false }
        if let wanted = aliasContaining?.lowercased(), !wanted.isEmpty {
            guard case let .text(alias)? = summary.glance["person.alias"], alias.lowercased().contains(wanted) else { return false }
        }
        return alsoKeeping?(summary) ?? true
    }

    /// The kept cases of the page asked for, and how many were kept in all.
    func apply(_ listed: [CaseSummary]) -> CaseListing {
        let kept = listed.filter(keeps)
        guard let page else { return CaseListing(cases: kept, total: kept.count, page: nil, pageSize: pageSize) }
        let ordered = kept.sorted { a, b in
            if (a.problem != nil) != (b.problem != nil) { return a.problem != nil }
            return a.updated != b.updated ? a.updated > b.updated : a.caseID < b.caseID
        }
        // A page past the end is the last page (a list that shrank since the link was made).
        let number = min(max(0, page), max(0, (ordered.count - 1) / pageSize))
        let start = number * pageSize
        return CaseListing(cases: Array(ordered[start..<min(start + pageSize, ordered.count)]), total: kept.count, page: number, pageSize: pageSize)
    }
}

/// The cases a selection returned.
public struct CaseListing: Sendable {
    public let cases: [CaseSummary]
    /// How many cases the selection kept over all its pages.
    public let total: Int
    /// The page returned, when the selection asked for one.
    public let page: Int?
    public let pageSize: Int

    /// How many pages the kept cases fill (at least one).
    public var pageCount: Int { max(1, (total + pageSize - 1) / pageSize) }
}
