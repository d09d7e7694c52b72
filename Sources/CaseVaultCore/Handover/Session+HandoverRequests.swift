/// The public entry to handover requests and answers; every refusal is logged here.
extension Session {
    /// Asks for approval of a handover (nothing leaves yet); returns the signed request.
    public func requestHandover(_ ask: HandoverRequest) throws(VaultError) -> ApprovalRequest {
        try loggingRefusal("handover.request", caseID: ask.caseID) { () throws(VaultError) in
            try HandoverRequestOperations(session: self).requestHandover(ask)
        }
    }

    /// Requests this member may decide (an approver) or made (a requester).
    public func handoverRequests() throws(VaultError) -> [RequestSummary] {
        try loggingRefusal("handover.requests") { () throws(VaultError) in try HandoverRequestOperations(session: self).listRequests() }
    }

    /// The fields a request would send, and the values the reviewer may read; logged as a read.
    public func reviewHandoverRequest(_ requestID: String) throws(VaultError) -> RequestReview {
        try loggingRefusal("handover.review") { () throws(VaultError) in try HandoverRequestOperations(session: self).review(requestID) }
    }

    /// The approver's signed approval or rejection (a rejection needs a reason, sealed in the log,
    /// and may name fields of the request to drop).
    public func decideHandoverRequest(_ requestID: String, verdict: ApprovalDecision.Verdict,
                                      reason: String? = nil, drop: [String] = []) throws(VaultError) -> ApprovalDecision {
        try loggingRefusal(verdict == .approve ? "handover.approve" : "handover.reject") { () throws(VaultError) in
            try HandoverRequestOperations(session: self).decide(requestID, verdict: verdict, reason: reason, drop: drop)
        }
    }

    /// Builds the bundle for an approved request and records the disclosure.
    public func sendRequestedHandover(_ requestID: String) throws(VaultError) -> (bytes: [UInt8], manifest: HandoverManifest, withheld: Int) {
        try loggingRefusal("handover.create") { () throws(VaultError) in try HandoverRequestOperations(session: self).sendRequested(requestID) }
    }
}
