import AccessPolicy

/// Every public operation of a session, in one place. Each forwards to the type that owns its
/// concern; those that a refusal can meet log it here (or, for reads and the audit commands,
/// inside the operation), so a program using `Session` directly leaves the same trace in the
/// access log as the CLI does.
extension Session {
    // MARK: Cases

    /// Creates a case from a JSON/YAML record. The author is assigned as its contact person.
    @discardableResult
    public func createCase(recordText: String, reason: String? = nil) throws(VaultError) -> CaseID {
        try loggingRefusal("case.new") { () throws(VaultError) in try CaseOperations(session: self).createCase(recordText: recordText, reason: reason) }
    }

    /// Applies a patch: a new signed version. Fields the author cannot read are carried forward untouched.
    @discardableResult
    public func updateCase(_ caseID: CaseID, patchText: String, reason: String? = nil) throws(VaultError) -> UInt64 {
        try loggingRefusal("case.update", caseID: caseID) { () throws(VaultError) in
            try CaseOperations(session: self).updateCase(caseID, patchText: patchText, reason: reason)
        }
    }

    /// Assigns or unassigns a member in a case-scoped role (see `CaseOperations.assign`).
    @discardableResult
    public func assign(_ caseID: CaseID, memberID: String, role: Role, remove: Bool = false,
                       reason: String? = nil) throws(VaultError) -> (version: UInt64, stillSealed: Int) {
        try loggingRefusal("case.assign", caseID: caseID) { () throws(VaultError) in
            try CaseOperations(session: self).assign(caseID, memberID: memberID, role: role, remove: remove, reason: reason)
        }
    }

    /// Verifies and decrypts the latest version; the read, or its refusal, is logged in its own transaction.
    public func showCase(_ caseID: CaseID, reason: String? = nil) throws(VaultError) -> OpenedCase {
        try CaseOperations(session: self).showCase(caseID, reason: reason)
    }

    /// Version metadata (who, when, which paths): no content is decrypted.
    public func history(_ caseID: CaseID) throws(VaultError) -> [CaseVersion] {
        try loggingRefusal("case.history", caseID: caseID) { () throws(VaultError) in try CaseOperations(session: self).history(caseID) }
    }

    /// The cases this member reaches, with a glance at each.
    public func listCases() throws(VaultError) -> [CaseSummary] {
        try loggingRefusal("case.list") { () throws(VaultError) in try CaseOperations(session: self).listCases().cases }
    }

    /// The cases `selection` keeps, with the listing's three fields: only those are returned and
    /// logged as read (a page of them, when it asks for one).
    public func listCases(selecting selection: CaseSelection) throws(VaultError) -> CaseListing {
        try loggingRefusal("case.list") { () throws(VaultError) in try CaseOperations(session: self).listCases(selecting: selection) }
    }

    /// Like `listCases`, showing (and logging as read, under `reason`) the fields whose paths
    /// `shown` selects instead of the listing's three. `listing` names that selection: the
    /// member's index of verified cases is kept per listing.
    public func listCases(showing shown: (String) -> Bool, listing: String, reason: String) throws(VaultError) -> [CaseSummary] {
        try listCases(showing: shown, listing: listing, reason: reason, selecting: .everything).cases
    }

    /// Both of the above: the fields `shown` selects, of the cases `selection` keeps.
    public func listCases(showing shown: (String) -> Bool, listing: String, reason: String?, selecting selection: CaseSelection) throws(VaultError) -> CaseListing {
        try loggingRefusal("case.list") { () throws(VaultError) in
            try CaseOperations(session: self).listCases(showing: shown, listing: listing, reason: reason, selecting: selection)
        }
    }

    // MARK: Roster and policy

    /// The signed roster, for staff with an identity; the listing is logged (`member.list`).
    public func listMembers() throws(VaultError) -> Roster {
        try loggingRefusal("member.list") { () throws(VaultError) in
            try requireStaff("list the roster")
            return try vault.write { db in
                let state = try currentState(db)
                try vault.appendLog(db, state: state, session: self, action: .memberList, caseID: nil, fields: [],
                                    detail: ["count": String(state.roster.members.count)], reason: nil)
                return state.roster
            }
        }
    }

    /// Adds a member (staff, auditor or resident). Needs the centre root key.
    public func addMember(id: String, name: String, roles: [Role], identity: PublicIdentity) throws(VaultError) -> Roster {
        try loggingRefusal("member.add") { () throws(VaultError) in
            try RosterOperations(session: self).addMember(id: id, name: name, roles: roles, identity: identity)
        }
    }

    /// Registers a police district, housing office or NAV office. Needs the centre root key.
    public func addRecipient(id: String, name: String, role: Role, identity: PublicIdentity) throws(VaultError) -> Roster {
        try loggingRefusal("recipient.add") { () throws(VaultError) in
            try RosterOperations(session: self).addRecipient(id: id, name: name, role: role, identity: identity)
        }
    }

    /// Marks a member or recipient revoked. Needs the centre root key.
    public func revoke(id: String, kind: RosterEntry.Kind) throws(VaultError) -> Roster {
        let roster = try loggingRefusal(kind == .member ? "member.revoke" : "recipient.remove") { () throws(VaultError) in
            try RosterOperations(session: self).revoke(id: id, kind: kind)
        }
        if kind == .member { resealStaleCases() }  // eager: what this client can read; the rest lazily
        return roster
    }

    /// Signs a policy file with the centre root key and installs it as the policy in force.
    public func installPolicy(bytes: [UInt8]) throws(VaultError) -> (policy: Policy, signature: [UInt8]) {
        let installed = try loggingRefusal("policy.sign") { () throws(VaultError) in try PolicyOperations(session: self).installPolicy(bytes: bytes) }
        resealStaleCases()  // eager: what this client can read; the rest lazily
        return installed
    }

    // MARK: Handovers

    /// Builds a bundle for a registered recipient and records the disclosure; see `HandoverOperations`.
    public func createHandover(_ request: HandoverRequest,
                               approver: SecretIdentity?) throws(VaultError) -> (bytes: [UInt8], manifest: HandoverManifest, withheld: Int) {
        try loggingRefusal("handover.create", caseID: request.caseID) { () throws(VaultError) in
            try HandoverOperations(session: self).createHandover(request, approver: approver)
        }
    }

    /// Checks a recipient's receipt and records it in the case and the access log.
    public func confirmReceipt(_ text: String) throws(VaultError) -> HandoverReceipt {
        try loggingRefusal("handover.confirm") { () throws(VaultError) in try ReceiptOperations(session: self).confirmReceipt(text) }
    }

    // MARK: Audit (each logs its own refusals)

    /// The auditor's self-contained export folder.
    public func exportAudit(to dir: String) throws(VaultError) -> AuditExportSummary {
        try AuditExportOperation(session: self).exportAudit(to: dir)
    }

    /// One witness run: checks and cosigns the vault's latest checkpoint.
    public func witness(statePath: String) throws(VaultError) -> WitnessResult {
        try WitnessOperation(session: self).witness(statePath: statePath)
    }

    /// An offline inclusion proof (tlog-proof) for log entry `index`.
    public func prove(index: UInt64) throws(VaultError) -> [UInt8] {
        try ProofOperation(session: self).prove(index: index)
    }

    /// The log entries matching `filter`, checked.
    public func auditLog(filter: AuditFilter) throws(VaultError) -> [LogEntry] {
        try LogQueryOperation(session: self).auditLog(filter: filter)
    }

    /// The resident's access report for one case.
    public func accessReport(caseID: CaseID) throws(VaultError) -> AccessReport {
        try AccessReportOperation(session: self).accessReport(caseID: caseID)
    }
}
