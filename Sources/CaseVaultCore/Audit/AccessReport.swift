import AccessPolicy
import Foundation

/// The resident's right of access (GDPR art. 15): who opened, changed or looked up their case,
/// when, which fields, and what was handed over to whom. Field paths, ids and names of staff
/// only: the report never holds a field's value, so it is as safe to print as the log itself.
public struct AccessReport: Sendable {
    public struct Event: Sendable {
        public let index: UInt64
        public let time: Timestamp
        public let actor: String
        /// The actor's display name and roles from the roster; nil for a key not on the roster.
        public let actorName: String?
        public let actorRoles: [Role]
        public let action: String
        public let fields: [String]
        public let detail: [String: String]
    }

    /// A handover bundle that left the centre (`handover.create`), with its receipt if confirmed.
    public struct Disclosure: Sendable {
        public let index: UInt64
        public let time: Timestamp
        public let by: String
        public let recipient: String
        public let recipientName: String?
        public let recipientRole: String?
        public let basis: String?
        public let bundle: String?
        public let approvedBy: String?
        /// The consent the handover relied on and its purpose, from the case record, for a reader
        /// who may read them (the log holds neither: a purpose may name people).
        public var consent: String? = nil
        public var purpose: String? = nil
        public let fields: [String]
        public var confirmed: Timestamp?
    }

    public let caseID: CaseID
    public let centre: String
    public let generated: Timestamp
    public let events: [Event]
    public internal(set) var disclosures: [Disclosure]
}

/// Producing the resident's access report for one case.
struct AccessReportOperation: SessionBound {
    let session: Session

    /// The access report for one case. Allowed to the auditor, leaders, the case's contact person
    /// and the resident assigned to it. Someone who does not reach the case at all is told it is
    /// not found (its existence is confidential). Producing the report is logged, before it is
    /// returned, as an entry on the case itself — so the next report shows this one.
    func accessReport(caseID: CaseID) throws(VaultError) -> AccessReport {
        do {
            return try vault.write { db in
                let state = try vault.loadState(db)
                // Reach is judged before anything is verified: someone outside the case is told
                // "not found" even when the case is damaged, and learns nothing about it.
                guard try mayAlwaysReport || reaches(caseID, state: state, db: db) else { throw VaultError.notFound("case \(caseID) not found") }
                guard let latest = try verifiedChain(caseID, state: state, db: db).last else { throw VaultError.notFound("case \(caseID) not found") }
                try requireReportAccess(latest, state: state)
                let entries = try vault.matchingEntries(db, state: state, filter: AuditFilter(caseID: caseID))
                try vault.appendLog(db, state: state, session: session, action: .auditReport, caseID: caseID, fields: [], detail: [:], reason: nil)
                return Self.report(caseID: caseID, centre: vault.centreName, entries: entries, roster: state.roster, generated: vault.clock.now())
            }
        } catch {
            session.recordRefusal(command: LogAction.auditReport.rawValue, caseID: caseID, error: error)
            throw error
        }
    }

    /// The auditor and leaders may have any case's report; everyone else only their own cases'.
    private var mayAlwaysReport: Bool { member.holds(.superviseLog) }

    private func requireReportAccess(_ latest: CaseVersion, state: VaultState) throws(VaultError) {
        if mayAlwaysReport { return }
        let personal = ProceduralRight.personalReport.onTheirCases.map(\.rawValue)
        if latest.assignments.contains(where: { $0.member == member.id && personal.contains($0.role) }) { return }
        let access = CaseAccess(policy: state.policy, roster: state.roster, assignments: latest.assignments)
        guard !access.effectiveRoles(of: member).isEmpty else { throw .notFound("case \(latest.caseID) not found") }
        throw .denied("the access report is for the resident, their contact person, the auditor and leaders")
    }

    static func report(caseID: CaseID, centre: String, entries: [LogEntry], roster: Roster, generated: Timestamp) -> AccessReport {
        var events: [AccessReport.Event] = []
        var disclosures: [AccessReport.Disclosure] = []
        for e in entries {
            let who = roster.entry(e.actor)
            events.append(AccessReport.Event(index: e.index, time: e.time, actor: e.actor, actorName: who?.name, actorRoles: who?.roles ?? [],
                                             action: e.action, fields: e.fields,
                                             detail: Dictionary(e.detail.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })))
            if e.action == LogAction.handoverCreate.rawValue, let recipient = e.detailValue("recipient") {
                let r = roster.entry(recipient)
                disclosures.append(AccessReport.Disclosure(
                    index: e.index, time: e.time, by: e.actor, recipient: recipient, recipientName: r?.name,
                    recipientRole: e.detailValue("role") ?? r?.roles.first?.rawValue, basis: e.detailValue("basis"),
                    bundle: e.detailValue("bundle"), approvedBy: e.detailValue("approved-by"), fields: e.fields, confirmed: nil))
            }
            if e.action == LogAction.handoverConfirm.rawValue, let bundle = e.detailValue("bundle"),
               let i = disclosures.firstIndex(where: { $0.bundle == bundle }) {
                disclosures[i].confirmed = e.time
            }
        }
        return AccessReport(caseID: caseID, centre: centre, generated: generated, events: events, disclosures: disclosures)
    }
}
