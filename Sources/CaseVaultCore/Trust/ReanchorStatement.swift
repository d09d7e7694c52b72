import SodiumKit

/// The leader's signed word that the vault legitimately went back (a backup restored): signed
/// with the centre root key, kept in the vault's `meta` table under `reanchor`, and logged as
/// `vault.reanchor`. A client whose remembered state is newer accepts the vault again only from
/// a statement with a higher serial than any it has seen, and from then on remembers the state
/// the statement names (docs/FORMAT.md, "Re-anchor statement").
struct ReanchorStatement: Sendable, Equatable {
    static let header = "casevault-reanchor v1"
    static let metaKey = "reanchor"
    static let signatureDomain = Array("casevault/v1/reanchor\0".utf8)

    var vaultID: VaultID
    var serial: UInt64
    var rosterSerial: UInt64
    var policySerial: UInt64
    var logSize: UInt64
    var logRoot: [UInt8]
    var time: Timestamp

    var body: String {
        [Self.header, "vault \(vaultID.hex)", "serial \(serial)", "roster \(rosterSerial)", "policy \(policySerial)",
         "log \(logSize) \(Hex.encode(logRoot))", "time \(time.rfc3339)"].joined(separator: "\n") + "\n"
    }

    func signed(by root: SigningSecretKey) -> String {
        body + "signature \(Base64.encode(root.signature(for: Self.signatureDomain + Array(body.utf8))))\n"
    }

    /// Parses a stored statement and checks the centre root signed it for this vault.
    static func verify(_ text: String, vault: VaultID, root: SigningPublicKey) throws(VaultError) -> ReanchorStatement {
        guard let sigStart = text.range(of: "signature ", options: .backwards), text.hasSuffix("\n"),
              let sig = Base64.decode(String(text[sigStart.upperBound...].dropLast())), sig.count == 64
        else { throw .format("the vault's re-anchor statement is malformed") }
        let body = String(text[..<sigStart.lowerBound])
        do { try root.verify(sig, for: signatureDomain + Array(body.utf8)) } catch {
            throw .auth("the vault's re-anchor statement is not signed by its centre root key")
        }
        let l = body.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        guard l.count == 7, body == l.map { $0.joined(separator: " ") }.joined(separator: "\n") + "\n", l[0] == ["casevault-reanchor", "v1"],
              l[1].count == 2, l[1][0] == "vault", VaultID(hex: l[1][1]) == vault,
              l[2].count == 2, l[2][0] == "serial", let serial = UInt64(l[2][1]),
              l[3].count == 2, l[3][0] == "roster", let roster = UInt64(l[3][1]),
              l[4].count == 2, l[4][0] == "policy", let policy = UInt64(l[4][1]),
              l[5].count == 3, l[5][0] == "log", let size = UInt64(l[5][1]), let logRoot = Hex.decode(l[5][2]), logRoot.count == 32,
              l[6].count == 2, l[6][0] == "time", let time = Timestamp(rfc3339: l[6][1])
        else { throw .format("the vault's re-anchor statement is malformed") }
        return ReanchorStatement(vaultID: vault, serial: serial, rosterSerial: roster, policySerial: policy, logSize: size, logRoot: logRoot, time: time)
    }
}
