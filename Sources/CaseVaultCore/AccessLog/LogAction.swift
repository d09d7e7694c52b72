/// What a log entry records. Raw values are the entry's `action` line.
public enum LogAction: String, CaseIterable, Sendable {
    case vaultInit = "vault.init"
    /// The leader vouched, with the centre root key, for the state of a restored vault.
    case vaultReanchor = "vault.reanchor"
    /// The vault was migrated from format 1 under a root-signed migration statement.
    case vaultMigrate = "vault.migrate"
    case caseCreate = "case.create"
    case caseRead = "case.read"
    /// The member's key agent released keys of the case (appended by the agent itself, before any key leaves it).
    case caseOpen = "case.open"
    case caseReadRefused = "case.read-refused"
    case caseUpdate = "case.update"
    case caseHistory = "case.history"
    case caseList = "case.list"
    case caseAssign = "case.assign"
    case caseUnassign = "case.unassign"
    /// A new version re-encrypting what the actor can read for the current recipients, values unchanged.
    case caseReseal = "case.reseal"
    /// A class key of a case was sealed to a newly assigned member by someone who held it.
    case caseGrant = "case.grant"
    /// A resident's key bound to the case under a pseudonym (detail `holder`, `key`); and removed again.
    case caseBindKey = "case.bind-key"
    case caseUnbindKey = "case.unbind-key"
    /// The roster was listed (`member list`): who looked at who works here is itself logged.
    case memberList = "member.list"
    /// A format-1 vault's residents moved off the roster to case bindings (detail `roster-serial`, `count`).
    case residentsMoved = "roster.residents-moved"
    case memberAdd = "member.add"
    case memberRevoke = "member.revoke"
    case recipientAdd = "recipient.add"
    case recipientRemove = "recipient.remove"
    case policyInstall = "policy.install"
    /// A centre-wide role key began a new epoch (root-signed record, seed sealed to its holders and the root).
    case keysRotate = "keys.rotate"
    /// A role key's current seed was sealed to a member who gained the role.
    case keysWrap = "keys.wrap"
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
    /// Recovery by k of n trustees and break-glass (docs/FORMAT.md, "Recovery and break-glass").
    case recoverySetup = "recovery.setup"
    case recoveryRequest = "recovery.request"
    case recoveryApprove = "recovery.approve"
    case recoveryPeel = "recovery.peel"
    case recoveryComplete = "recovery.complete"
    case breakglassSetup = "breakglass.setup"
    case breakglassRequest = "breakglass.request"
    case breakglassApprove = "breakglass.approve"
    case breakglassOpen = "breakglass.open"
    case breakglassRelease = "breakglass.release"
    case breakglassReview = "breakglass.review"
    /// A refused attempt: denied by policy, not on the roster, revoked, or a bad signature.
    case accessDenied = "access.denied"

    /// Successful content reads: the auditor's count of reads must equal the count of these.
    public var isContentRead: Bool { self == .caseRead }

    /// Entries of these actions store a new case version, and name it by `version` and `hash`
    /// (docs/FORMAT.md, "What a log entry names"): exactly the actions `VersionWritingAction`
    /// lists, the only ones a version can be written under.
    public var writesVersion: Bool { VersionWritingAction(rawValue: rawValue) != nil }

    /// Entries of these actions install a signed roster, named by `roster-serial` and `roster-hash`.
    public var installsRoster: Bool {
        switch self {
        case .vaultInit, .memberAdd, .memberRevoke, .recipientAdd, .recipientRemove, .residentsMoved: true
        default: false
        }
    }

    /// Entries of these actions install a signed policy, named by `policy-serial` and `policy-hash`.
    public var installsPolicy: Bool {
        switch self {
        case .vaultInit, .policyInstall: true
        default: false
        }
    }
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

/// The actions that store a new case version. A version is written only through
/// `SessionBound.commitVersion`, which takes one of these and appends the entry naming it.
package enum VersionWritingAction: String, CaseIterable, Sendable {
    case caseCreate = "case.create"
    case caseUpdate = "case.update"
    case caseAssign = "case.assign"
    case caseUnassign = "case.unassign"
    case caseReseal = "case.reseal"
    case caseBindKey = "case.bind-key"
    case caseUnbindKey = "case.unbind-key"
    case handoverCreate = "handover.create"
    case handoverConfirm = "handover.confirm"
    case handoverAnswerImport = "handover.answer-import"

    var logAction: LogAction {
        switch self {
        case .caseCreate: .caseCreate
        case .caseUpdate: .caseUpdate
        case .caseAssign: .caseAssign
        case .caseUnassign: .caseUnassign
        case .caseReseal: .caseReseal
        case .caseBindKey: .caseBindKey
        case .caseUnbindKey: .caseUnbindKey
        case .handoverCreate: .handoverCreate
        case .handoverConfirm: .handoverConfirm
        case .handoverAnswerImport: .handoverAnswerImport
        }
    }
}
