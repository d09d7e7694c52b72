import AccessPolicy

/// One thing that must be done by a date: a task from a case's task list, or a deadline the
/// record implies (an alarm to renew, a threat picture to review, a meeting, a consent that
/// lapses, a receipt that has not come back, a bundle that expires, a housing offer or a decision to answer).
public struct DueItem: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case task
        case measureRenewal = "measure-renewal"
        case threatReview = "threat-review"
        case followUpMeeting = "follow-up-meeting"
        case consentExpiry = "consent-expiry"
        case receiptMissing = "receipt-missing"
        /// A bundle sent from the case lapses: the recipient may no longer open it.
        case bundleExpiry = "bundle-expiry"
        /// A housing offer that came back in an answer must be answered by its date.
        case offerResponse = "offer-response"
        /// A decision from NAV or the housing office that came back in an answer must be answered by its date.
        case decisionResponse = "decision-response"
    }

    public let caseID: CaseID
    /// The case's alias, when the reader may read it.
    public let alias: String?
    public let kind: Kind
    /// The field the deadline comes from, e.g. `measures[0].renewal_due`.
    public let path: String
    /// What is to be done, in Norwegian (the task's own text for a task).
    public let what: String
    /// Who does it: centre, nav, housing-office or resident (`FieldCatalog.taskOwners`).
    public let owner: String
    public let due: CalendarDate
    /// Days from today to the due date; negative when overdue.
    public let daysLeft: Int

    public var isOverdue: Bool { daysLeft < 0 }
}
