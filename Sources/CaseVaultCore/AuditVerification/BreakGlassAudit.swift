/// Each break-glass in a verified log, and whether a second person reviewed it: what
/// `audit verify` lists, with the unreviewed ones as findings.
public struct BreakGlassFinding: Sendable, Equatable {
    public let request: String
    public let caseID: String
    public let breaker: String
    /// The member whose `breakglass.open` entry opened it: the breaker (alone) or the approver.
    public let openedBy: String
    public let mode: String
    public let reasonCode: String
    public let opened: Timestamp
    public let openIndex: UInt64
    public var reviewer: String?
    public var outcome: String?

    public var isReviewed: Bool { reviewer != nil }
}

enum BreakGlassAudit {
    /// Scans the entries whose action is a break-glass one (the batch has verified every entry).
    static func scan(file: UnsafeBufferPointer<UInt8>, ranges: [Range<Int>], facts: [EntryFacts]) -> [BreakGlassFinding] {
        var requests: [String: (mode: String, code: String)] = [:]
        var out: [BreakGlassFinding] = []
        for (i, f) in facts.enumerated() where f.action.hasPrefix("breakglass.") && i < ranges.count {
            guard let e = try? LogEntry.parse(UnsafeBufferPointer(rebasing: file[ranges[i]])).entry, let id = e.detailValue("request") else { continue }
            switch LogAction(rawValue: e.action) {
            case .breakglassRequest:
                requests[id] = (e.detailValue("mode") ?? "?", e.detailValue("reason-code") ?? "?")
            case .breakglassOpen:
                let r = requests[id]
                out.append(BreakGlassFinding(request: id, caseID: e.caseID?.hex ?? "-", breaker: e.detailValue("breaker") ?? e.actor, openedBy: e.actor,
                                             mode: r?.mode ?? "?", reasonCode: r?.code ?? "?", opened: e.time, openIndex: e.index))
            case .breakglassReview:
                if let k = out.firstIndex(where: { $0.request == id }), out[k].reviewer == nil {
                    out[k].reviewer = e.actor
                    out[k].outcome = e.detailValue("outcome")
                }
            default: continue
            }
        }
        return out
    }
}

extension AuditReport {
    /// The break-glass lines of the summary: one per opening, unreviewed ones marked.
    var breakGlassLines: [String] {
        let open = breakGlass.filter { !$0.isReviewed }.count
        var lines = ["Break-glass: \(breakGlass.count)" + (open > 0 ? ", \(open) NOT REVIEWED" : "")]
        for b in breakGlass {
            let review = b.reviewer.map { "reviewed by \($0): \(b.outcome ?? "?")" } ?? "NOT REVIEWED"
            lines.append("  \(b.request) case \(b.caseID) by \(b.breaker) (\(b.mode), opened by \(b.openedBy)) \(b.reasonCode) at \(b.opened), entry \(b.openIndex): \(review)")
        }
        return lines
    }
}
