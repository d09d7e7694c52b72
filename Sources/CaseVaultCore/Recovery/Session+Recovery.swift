/// The public entries for recovery and break-glass; each logs its own refusal.
extension Session {
    /// Sets up (or rotates) the recovery key: `threshold` of `trustees` recover. Needs the centre root key.
    public func setUpRecovery(trustees: [String], threshold: Int) throws(VaultError) -> (epoch: UInt64, wraps: Int) {
        try loggingRefusal("recovery.setup") { () throws(VaultError) in
            let r = try RecoveryOperations(session: self).setup(trustees: trustees, threshold: threshold)
            return (r.epoch, RecoveryOperations.subsets(of: Array(trustees.indices), size: threshold).count)
        }
    }

    /// A leader's signed, logged request that the trustees recover a case for `newReader`.
    public func requestRecovery(_ caseID: CaseID, for newReader: String, trustees: [String]? = nil) throws(VaultError) -> (id: String, subset: [String]) {
        try loggingRefusal("recovery.request", caseID: caseID) { () throws(VaultError) in
            try RecoveryOperations(session: self).request(caseID, for: newReader, subset: trustees)
        }
    }

    /// A trustee approves a recovery request and peels their layer.
    public func approveRecovery(_ requestID: String) throws(VaultError) -> RecoveryProgress {
        try loggingRefusal("recovery.approve") { () throws(VaultError) in try RecoveryOperations(session: self).approve(requestID) }
    }
}

extension Session {
    /// Seals a new break-glass key to every active leader, behind the root box key. Needs the centre root key.
    public func setUpBreakGlass() throws(VaultError) -> (epoch: UInt64, breakers: [String], notCovered: [CaseID]) {
        try loggingRefusal("breakglass.setup") { () throws(VaultError) in try BreakGlassOperations(session: self).setup() }
    }

    /// Asks for break-glass with a second approver (`mode: .approved`), or breaks glass alone
    /// (`.alone`: needs the root key and a reason; the keys are released and the fields returned).
    public func requestBreakGlass(_ caseID: CaseID, fields: [String], minutes: Int, reasonCode: String, reason: String?,
                                  mode: BreakGlassMode) throws(VaultError) -> String {
        try loggingRefusal("breakglass.request", caseID: caseID) { () throws(VaultError) in
            let ops = BreakGlassOperations(session: self)
            let id = try ops.request(caseID, fields: fields, minutes: minutes, reasonCode: reasonCode, reason: reason, mode: mode)
            if mode == .alone { try ops.releaseAlone(id) }
            return id
        }
    }

    /// A reader of the requested fields approves a break-glass and releases their keys to the breaker.
    public func approveBreakGlass(_ id: String) throws(VaultError) {
        try loggingRefusal("breakglass.approve") { () throws(VaultError) in try BreakGlassOperations(session: self).approve(id) }
    }

    /// The breaker reads the released fields until the break-glass expires.
    public func showBreakGlass(_ id: String, reason: String? = nil) throws(VaultError) -> BreakGlassView {
        try loggingRefusal("breakglass.show") { () throws(VaultError) in try BreakGlassOperations(session: self).show(id, reason: reason) }
    }

    /// A second person's review of a break-glass, with an optional comment (sealed, never in the log).
    public func reviewBreakGlass(_ id: String, justified: Bool, comment: String? = nil) throws(VaultError) {
        try loggingRefusal("breakglass.review") { () throws(VaultError) in
            try BreakGlassOperations(session: self).review(id, justified: justified, comment: comment)
        }
    }
}
