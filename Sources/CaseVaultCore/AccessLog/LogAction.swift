/// What a log entry records. Raw values are the entry's `action` line.
public enum LogAction: String, CaseIterable, Sendable {
    case vaultInit = "vault.init"
    /// The leader vouched, with the centre root key, for the state of a restored vault.
    case vaultReanchor = "vault.reanchor"
    case caseCreate = "case.create"
    case caseRead = "case.read"
    case caseReadRefused = "case.read-refused"
    case caseUpdate = "case.update"
    case caseHistory = "case.history"
    case caseList = "case.list"
    case caseAssign = "case.assign"
    case caseUnassign = "case.unassign"
    /// A class key of a case was sealed to a newly assigned member by someone who held it.
    case caseGrant = "case.grant"
    case memberAdd = "member.add"
    case memberRevoke = "member.revoke"
    case recipientAdd = "recipient.add"
    case recipientRemove = "recipient.remove"
    case policyInstall = "policy.install"
    case handoverCreate = "handover.create"
    case handoverConfirm = "handover.confirm"
    /// A contact person asked for a handover's approval; the approver's decision follows.
    case handoverRequest = "handover.request"
    case handoverApprove = "handover.approve"
    case handoverReject = "handover.reject"
    /// A recipient's signed answer to a bundle was imported into the case as a new version.
    case handoverAnswerImport = "handover.answer-import"
    case auditExport = "audit.export"
    case auditCosign = "audit.cosign"
    /// The auditor or leader searched the log (`audit log`); the case line names the case searched for.
    case auditLog = "audit.log"
    /// An inclusion proof for one entry was written (`audit prove`).
    case auditProve = "audit.prove"
    /// A resident's access report was produced (`audit for-case`).
    case auditReport = "audit.for-case"
    /// A refused attempt: denied by policy, not on the roster, revoked, or a bad signature.
    case accessDenied = "access.denied"

    /// Successful content reads: the auditor's count of reads must equal the count of these.
    public var isContentRead: Bool { self == .caseRead }
}

extension VaultError.Kind {
    /// The kind as written into a log entry's detail: a fixed word, never a message.
    public var logName: String {
        switch self {
        case .invalidInput: "invalid-input"
        case .accessDenied: "access-denied"
        case .authenticationFailed: "authentication-failed"
        case .notFound: "not-found"
        case .unsupportedFormat: "unsupported-format"
        case .ioFailure: "io-failure"
        case .refused: "refused"
        }
    }
}
