import Foundation
import GRDB

/// `handover_requests`: a contact person's signed request, who reviewed it, the approver's
/// signed decision, and the bundle it became.
struct HandoverRequestRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "handover_requests"
    enum CodingKeys: String, CodingKey {
        case requestID = "request_id", caseID = "case_id", request, purposeSealed = "purpose_sealed", reviewedBy = "reviewed_by"
        case decision, reasonSealed = "reason_sealed", bundleID = "bundle_id", created
    }
    var requestID: String
    var caseID: Data
    var request: String
    var purposeSealed: Data
    var reviewedBy: String
    var decision: String?
    var reasonSealed: Data?
    var bundleID: String?
    var created: Int64

    var reviewers: [String] { reviewedBy.isEmpty ? [] : reviewedBy.splitASCII(0x2C) }
}

/// `handover_answers`: an imported answer, the version it became, and the file as received.
struct HandoverAnswerRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "handover_answers"
    enum CodingKeys: String, CodingKey {
        case answerID = "answer_id", bundleID = "bundle_id", caseID = "case_id", version, recipient, recipientRole = "recipient_role"
        case answer, imported
    }
    var answerID: String
    var bundleID: String
    var caseID: Data
    var version: Int64
    var recipient: String
    var recipientRole: String
    var answer: Data
    var imported: Int64
}

extension StoreTransaction {
    func insertHandoverRequest(_ r: HandoverRequestRecord) throws { try r.insert(db) }
    func handoverRequest(_ id: String) throws -> HandoverRequestRecord? { try HandoverRequestRecord.fetchOne(db, key: id) }
    func handoverRequests() throws -> [HandoverRequestRecord] { try HandoverRequestRecord.order(Column("created"), Column("request_id")).fetchAll(db) }
    func updateHandoverRequest(_ r: HandoverRequestRecord) throws { try r.update(db) }

    func insertHandoverAnswer(_ r: HandoverAnswerRecord) throws { try r.insert(db) }
    func hasHandoverAnswer(_ id: String) throws -> Bool { try HandoverAnswerRecord.exists(db, key: id) }
    func handoverAnswers(caseID: CaseID) throws -> [HandoverAnswerRecord] {
        try HandoverAnswerRecord.filter(Column("case_id") == Data(caseID.bytes)).fetchAll(db)
    }
}
