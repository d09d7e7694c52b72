import SodiumKit

/// A class key released to one member outside the version's envelopes: by the trustee who
/// completed a recovery (basis `recovery:<request hash>`) or by a break-glass approver or the
/// breaker's own client (basis `breakglass:<request id>`, with an expiry). Signed by whoever
/// released it; the sealed key is checked against the class commitment when opened.
struct ReleasedKey: Sendable {
    static let header = "casevault-grant v1"
    static let domain = "casevault/v2/grant\0"
    static let keys = ["vault", "case", "generation", "class", "holder", "sealed", "granter", "basis", "expires", "created"]

    let ref: CaseVersion.KeyRef
    let holder: String
    let sealed: [UInt8]
    let granter: String
    let basis: String
    let expires: Timestamp?
    let statement: EscrowStatement

    static func sign(vault: VaultID, caseID: CaseID, ref: CaseVersion.KeyRef, holder: String, sealed: [UInt8], granter: String, basis: String,
                     expires: Timestamp?, created: Timestamp, key: any MessageSigner) throws(VaultError) -> EscrowStatement {
        try EscrowStatement.sign(header: header, fields: [
            ("vault", vault.hex), ("case", caseID.hex), ("generation", String(ref.generation)), ("class", String(ref.index)),
            ("holder", holder), ("sealed", Base64.encode(sealed)), ("granter", granter), ("basis", basis),
            ("expires", expires?.rfc3339 ?? "-"), ("created", created.rfc3339),
        ], domain: domain, key: key)
    }

    /// Parses a stored grant and checks its signature by the granter on `roster`, its vault and case.
    static func parse(_ text: String, vault: VaultID, caseID: CaseID, roster: Roster) throws(VaultError) -> ReleasedKey {
        let s = try EscrowStatement.parse(text, header: header, keys: keys)
        guard s.value("vault") == vault.hex, s.value("case") == caseID.hex else { throw .auth("a released key names another vault or case") }
        guard let granter = roster.entry(s.value("granter")), granter.kind == .member else { throw .auth("a released key's granter is not a member") }
        try s.verify(domain: domain, by: granter.identity.signingKey)
        guard let index = UInt32(s.value("class")), let sealed = Base64.decode(s.value("sealed")), sealed.count == 32 + SealedBox.overhead else {
            throw .format("a released key is malformed")
        }
        return ReleasedKey(ref: .init(generation: try EscrowText.u64(s.value("generation"), "generation"), index: index), holder: s.value("holder"),
                           sealed: sealed, granter: granter.id, basis: s.value("basis"),
                           expires: s.value("expires") == "-" ? nil : try EscrowText.time(s.value("expires"), "expires"), statement: s)
    }
}
