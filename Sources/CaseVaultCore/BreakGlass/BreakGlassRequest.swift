import SodiumKit

/// A parsed, verified break-glass request and what has happened to it so far.
struct BreakGlassRequest {
    static let header = "casevault-breakglass-request v1"
    static let domain = "casevault/v2/breakglass-request\0"
    static let keys = ["vault", "request", "case", "case-version", "breaker", "mode", "reason-code", "fields", "minutes", "created"]
    static let approvalHeader = "casevault-breakglass-approval v1"
    static let approvalDomain = "casevault/v2/breakglass-approval\0"
    static let approvalKeys = ["vault", "request", "request-hash", "approver", "decided"]
    static let reviewHeader = "casevault-breakglass-review v1"
    static let reviewDomain = "casevault/v2/breakglass-review\0"
    static let reviewKeys = ["vault", "request", "request-hash", "reviewer", "outcome", "reviewed"]

    let row: StoredEscrowRequest
    let statement: EscrowStatement
    let breaker: String
    let mode: BreakGlassMode
    let fields: [String]
    let minutes: Int64
    let statements: [StoredEscrowStatement]

    var id: String { row.request }
    var caseID: CaseID { row.caseID }
    var hash: [UInt8] { statement.hash(kind: "breakglass-request") }
    var opening: StoredEscrowStatement? { statements.first { $0.kind == "open" } }
    var approver: String? { statements.first { $0.kind == "approval" }?.author }
    var review: StoredEscrowStatement? { statements.first { $0.kind == "review" } }

    static func load(_ db: StoreTransaction, _ id: String, vault: VaultID, roster: Roster) throws -> BreakGlassRequest {
        guard EscrowStatement.isToken(id), let row = try db.escrowRequest(id), row.kind == "breakglass" else {
            throw VaultError.notFound("no break-glass request \(id)")
        }
        let s = try EscrowStatement.parse(row.text, header: header, keys: keys)
        guard let breaker = roster.entry(s.value("breaker")), breaker.kind == .member else { throw VaultError.auth("break-glass request \(id): unknown breaker") }
        try s.verify(domain: domain, by: breaker.identity.signingKey)
        guard s.value("vault") == vault.hex, s.value("request") == id, s.value("case") == row.caseID.hex,
              let mode = BreakGlassMode(rawValue: s.value("mode")), let minutes = Int64(s.value("minutes")) else {
            throw VaultError.auth("break-glass request \(id) does not match its row")
        }
        return BreakGlassRequest(row: row, statement: s, breaker: breaker.id, mode: mode, fields: EscrowText.list(s.value("fields")),
                                 minutes: minutes, statements: try db.escrowStatements(request: id))
    }
}
