import AccessPolicy
import Foundation
import SodiumKit

/// One request as `handover requests` lists it.
public struct RequestSummary: Sendable {
    public enum Status: String, Sendable { case pending, approved, rejected, sent }
    public let request: ApprovalRequest
    public let status: Status
    public let approver: String?
    /// A rejection's reason, when it was sealed to this member (the requester and the approver).
    public let reason: String?
    /// The paths a rejection asks the requester to drop (signed in the decision).
    public let drop: [String]
    /// Set when the stored request or decision fails verification: listed so it is noticed, never acted on.
    public let problem: String?
}

/// What `handover review` shows before any decision: every path that would leave, its size,
/// and the values among them that the reviewer's own role may read.
public struct RequestReview: Sendable {
    public let request: ApprovalRequest
    public let purpose: String?
    public let values: [String: FieldValue]
    /// Each path's sealed size in bytes (ciphertext with its tag): shown without opening it.
    public let sealedSizes: [String: Int]
    /// Paths of the selection the reviewer may not read: named, never shown.
    public let sealedFromReviewer: [String]
}

/// Who may approve a handover: an active member holding the leader role, other than the requester.
/// (One function, so a policy rule naming approvers can take its place.)
enum HandoverApprovers {
    static func mayApprove(_ entry: RosterEntry, requester: String) -> Bool {
        entry.kind == .member && !entry.isRevoked && entry.holds(.approveHandover) && entry.id != requester
    }

    static func all(in roster: Roster, requester: String) -> [RosterEntry] {
        roster.members.filter { mayApprove($0, requester: requester) }
    }
}

/// A request, its decision and what the selection is, checked against the roster in force.
struct VerifiedRequest {
    let record: HandoverRequestRecord
    let request: ApprovalRequest
    let decision: ApprovalDecision?

    init(_ record: HandoverRequestRecord, vault: Vault, roster: Roster) throws(VaultError) {
        let request = try ApprovalRequest.parse(record.request)
        guard request.vaultID == vault.vaultID, request.requestID == record.requestID, request.caseID.bytes == [UInt8](record.caseID) else {
            throw .auth("handover request \(record.requestID) does not belong where it is stored")
        }
        guard let requester = roster.entry(request.requester), requester.kind == .member else {
            throw .auth("handover request \(record.requestID) names \(request.requester), who is not a member")
        }
        try request.verify(by: requester.identity.signingKey)
        var decision: ApprovalDecision?
        if let text = record.decision {
            let d = try ApprovalDecision.parse(text)
            guard let approver = roster.entry(d.approver), approver.kind == .member else { throw .auth("the decision names \(d.approver), who is not a member") }
            try d.verify(by: approver.identity.signingKey, for: request)
            guard approver.holds(.approveHandover), approver.id != request.requester, approver.isActive(at: d.decided) else {
                throw .auth("the decision on \(record.requestID) is by \(d.approver), who may not approve it")
            }
            decision = d
        }
        self.record = record
        self.request = request
        self.decision = decision
    }

    var status: RequestSummary.Status {
        if record.bundleID != nil { return .sent }
        switch decision?.verdict {
        case .approve?: return .approved
        case .reject?: return .rejected
        case nil: return .pending
        }
    }
}

/// Asking for, reviewing and deciding on a handover at each person's own time.
struct HandoverRequestOperations: SessionBound {
    let session: Session

    /// Makes and stores the signed request; nothing leaves the centre.
    func requestHandover(_ ask: HandoverRequest) throws(VaultError) -> ApprovalRequest {
        try HandoverManifest.validateOneLine(ask.purpose, "the purpose")
        if let ref = ask.consentReference { try HandoverManifest.validateOneLine(ref, "the consent reference") }
        let now = clock.now()
        if let expires = ask.expires, expires <= now { throw .input("the expiry must lie in the future") }
        try HandoverFieldChoice.validate(ask.fields)
        return try vault.write { db in
            let state = try currentState(db)
            let opened = try open(ask.caseID, state: state, db: db)
            let access = CaseAccess(policy: state.policy, roster: state.roster, assignments: opened.latest.assignments)
            guard access.grants(.requestHandover, to: member) else {
                throw VaultError.denied("only a contact person of the case may ask for a handover")
            }
            let selection = try HandoverSelection(ask: ask, state: state, opened: opened, today: now.osloDate)
            let approvers = HandoverApprovers.all(in: state.roster, requester: member.id)
            guard !approvers.isEmpty else { throw VaultError.refused("no one on the roster may approve this request (an active leader other than you)") }
            let purpose = try ReasonSeal.seal(ask.purpose, readers: [member] + approvers)
            var request = ApprovalRequest(
                requestID: Hex.encode(Random.bytes(16)), vaultID: vault.vaultID, caseID: ask.caseID, caseVersion: opened.latest.version,
                requester: member.id, recipient: selection.recipient.id, recipientRole: selection.role, basis: ask.basis,
                consentReference: ask.consentReference, purposeCommitment: purpose.commitment, fields: selection.paths,
                expires: DisclosureBasis.expiry(ask.expires, now: now), created: now)
            try request.sign(with: identity.signer)
            try db.insertHandoverRequest(HandoverRequestRecord(
                requestID: request.requestID, caseID: Data(ask.caseID.bytes), request: request.text, purposeSealed: Data(purpose.sealed),
                reviewedBy: "", decision: nil, reasonSealed: nil, bundleID: nil, created: now.seconds))
            try vault.appendLog(db, state: state, session: session, action: .handoverRequest, caseID: ask.caseID, fields: request.fields,
                                detail: ["request": request.requestID, "recipient": request.recipient, "role": selection.role.rawValue,
                                         "basis": ask.basis.rawValue], reason: ask.purpose)
            return request
        }
    }

    /// Requests this member may act on: an approver sees every request they may decide; anyone
    /// else sees their own.
    func listRequests() throws(VaultError) -> [RequestSummary] {
        try vault.read { db in
            let state = try currentState(db)
            return try db.handoverRequests().compactMap { row -> RequestSummary? in
                do {
                    let v = try VerifiedRequest(row, vault: vault, roster: state.roster)
                    guard v.request.requester == member.id || HandoverApprovers.mayApprove(member, requester: v.request.requester) else { return nil }
                    return RequestSummary(request: v.request, status: v.status, approver: v.decision?.approver,
                                          reason: try openReason(v), drop: v.decision?.drop ?? [], problem: nil)
                } catch let e as VaultError {
                    guard let request = try? ApprovalRequest.parse(row.request), request.requester == member.id || member.holds(.approveHandover) else { return nil }
                    return RequestSummary(request: request, status: .pending, approver: nil, reason: nil, drop: [], problem: e.message)
                }
            }
        }
    }

    /// Shows the reviewer the selection (and the values their role may read); the read is
    /// logged like any read, and the review is noted so a decision can follow.
    func review(_ requestID: String) throws(VaultError) -> RequestReview {
        try vault.write { db in
            let state = try currentState(db)
            var v = try load(requestID, state: state, db: db)
            guard HandoverApprovers.mayApprove(member, requester: v.request.requester) || member.id == v.request.requester else {
                throw VaultError.denied("only an approver (a leader other than the requester) or the requester may review this request")
            }
            let opened = try open(v.request.caseID, state: state, db: db)
            let wanted = Set(v.request.fields)
            let values = opened.fields.filter { wanted.contains($0.key) }
            let sealed = v.request.fields.filter { values[$0] == nil }
            let sizes = Dictionary(opened.latest.fields.filter { wanted.contains($0.path) }.map { ($0.path, $0.ciphertext.count) },
                                   uniquingKeysWith: { first, _ in first })
            let purpose = try openPurpose(v.record, request: v.request)
            try vault.appendLog(db, state: state, session: session, action: .caseRead, caseID: v.request.caseID,
                                fields: CaseRecord.order(Array(values.keys)),
                                detail: ["version": String(opened.latest.version), "request": requestID], reason: nil)
            var row = v.record
            if !row.reviewers.contains(member.id) {
                row.reviewedBy = (row.reviewers + [member.id]).joined(separator: ",")
                try db.updateHandoverRequest(row)
                v = try VerifiedRequest(row, vault: vault, roster: state.roster)
            }
            return RequestReview(request: v.request, purpose: purpose, values: values, sealedSizes: sizes, sealedFromReviewer: sealed)
        }
    }

    /// Signs the approver's decision over the request's hash and logs it. The approver must
    /// have reviewed the request first, and a request is decided once. A rejection may name
    /// fields of the request to drop (`drop`: paths or prefixes, as `--field` takes them).
    func decide(_ requestID: String, verdict: ApprovalDecision.Verdict, reason: String?, drop: [String] = []) throws(VaultError) -> ApprovalDecision {
        if let reason { try HandoverManifest.validateOneLine(reason, "the reason") }
        if verdict == .reject, reason == nil { throw .input("a rejection needs a reason (--reason-file)") }
        if verdict == .approve, !drop.isEmpty { throw .input("only a rejection names fields to drop") }
        try HandoverFieldChoice.validate(drop.isEmpty ? nil : drop, option: "--drop")
        return try vault.write { db in
            let state = try currentState(db)
            let v = try load(requestID, state: state, db: db)
            guard HandoverApprovers.mayApprove(member, requester: v.request.requester) else {
                throw VaultError.denied("\(member.id) may not decide this request: an active leader other than the requester decides")
            }
            guard v.decision == nil, v.record.bundleID == nil else { throw VaultError.refused("request \(requestID) has already been decided") }
            guard v.record.reviewers.contains(member.id) else {
                throw VaultError.refused("review the request first (`casevault handover review \(requestID)`): a decision follows a view of what leaves")
            }
            var dropped: Set<String> = []
            for s in drop {
                let matched = v.request.fields.filter { HandoverFieldChoice.matches(s, path: $0) }
                guard !matched.isEmpty else { throw VaultError.input("--drop \(s) names no field of request \(requestID)") }
                dropped.formUnion(matched)
            }
            let requester = state.roster.members.filter { $0.id == v.request.requester }
            let sealedReason = try reason.map { r throws(VaultError) in try ReasonSeal.seal(r, readers: requester + [member]) }
            var decision = ApprovalDecision(requestID: requestID, vaultID: vault.vaultID, requestHash: v.request.hash, verdict: verdict,
                                            reasonCommitment: sealedReason?.commitment, drop: CaseRecord.order(Array(dropped)),
                                            approver: member.id, decided: clock.now())
            try decision.sign(with: identity.signer)
            var row = v.record
            row.decision = decision.text
            row.reasonSealed = sealedReason.map { Data($0.sealed) }
            try db.updateHandoverRequest(row)
            try vault.appendLog(db, state: state, session: session, action: verdict == .approve ? .handoverApprove : .handoverReject,
                                caseID: v.request.caseID, fields: v.request.fields,
                                detail: ["request": requestID, "requester": v.request.requester, "recipient": v.request.recipient], reason: reason)
            return decision
        }
    }

    func load(_ requestID: String, state: VaultState, db: StoreTransaction) throws -> VerifiedRequest {
        guard HandoverManifest.isBundleID(requestID), let row = try db.handoverRequest(requestID) else {
            throw VaultError.notFound("no handover request \(requestID.prefix(40))")
        }
        return try VerifiedRequest(row, vault: vault, roster: state.roster)
    }

    /// A rejection's reason, when it was sealed to this member; checked against the signed decision.
    func openReason(_ v: VerifiedRequest) throws(VaultError) -> String? {
        guard let commitment = v.decision?.reasonCommitment, let sealed = v.record.reasonSealed else { return nil }
        return try ReasonSeal.open([UInt8](sealed), member: member.id, key: identity.boxOpener, commitment: commitment)
    }

    /// The purpose, when it was sealed to this member; checked against the request's commitment.
    func openPurpose(_ row: HandoverRequestRecord, request: ApprovalRequest) throws(VaultError) -> String? {
        try ReasonSeal.open([UInt8](row.purposeSealed), member: member.id, key: identity.boxOpener, commitment: request.purposeCommitment)
    }
}

/// The fields a handover would carry, worked out as `handover create` does (`HandoverFieldChoice`),
/// after checking the recipient and the legal basis against the case.
struct HandoverSelection {
    let recipient: RosterEntry
    let role: Role
    let values: [String: FieldValue]
    let choice: HandoverFieldChoice
    var paths: [String] { CaseRecord.order(Array(values.keys)) }

    init(ask: HandoverRequest, state: VaultState, opened: OpenedCase, today: CalendarDate) throws(VaultError) {
        switch (ask.basis, ask.consentReference) {
        case (.consent, nil): throw .input("a handover on the basis of consent needs a consent reference (--consent-file)")
        default: break
        }
        guard let recipient = state.roster.entry(ask.recipientID), recipient.kind == .recipient else {
            throw .notFound("no registered recipient \(ask.recipientID) (see `casevault recipient list`)")
        }
        guard !recipient.isRevoked else { throw .denied("recipient \(recipient.id) has been removed") }
        guard let role = recipient.roles.first else { throw .format("recipient \(recipient.id) has no role on the roster") }
        try DisclosureBasis(basis: ask.basis, consentReference: ask.consentReference, recipientRole: role).verify(against: opened.fields, today: today)
        let choice = HandoverFieldChoice(policy: state.policy, role: role, includeAddress: ask.includeAddress)
        values = try choice.select(from: opened.fields, chosen: ask.fields)
        self.choice = choice
        guard !values.isEmpty else { throw .denied("nothing in this case that you can read may go to \(role.rawValue)") }
        self.recipient = recipient
        self.role = role
    }
}
