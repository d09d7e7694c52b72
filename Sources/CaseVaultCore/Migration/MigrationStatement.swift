import SodiumKit

/// The centre root's signed word on the state of a vault when it was migrated from format 1:
/// the log it had, the roster and policy in force and every case head, each by number and hash.
/// Format-1 log entries name versions without hashes, so a log follower takes this statement
/// as the baseline for every case it lists (docs/FORMAT.md, "Migration statement"). Stored in
/// the vault's `meta` table under `migration` and named by the `vault.migrate` entry.
package struct MigrationStatement: Sendable, Equatable {
    static let header = "casevault-migration v1"
    static let metaKey = "migration"
    static let signatureDomain = Array("casevault/v2/migration\0".utf8)

    struct Named: Sendable, Equatable {
        var serial: UInt64
        var hash: [UInt8]
    }

    var vaultID: VaultID
    var fromFormat: String
    var toFormat: String
    /// The format-1 log: its size and RFC 6962 root. The `vault.migrate` entry sits at index `logSize`.
    var logSize: UInt64
    var logRoot: [UInt8]
    var roster: Named
    var policy: Named
    /// Every case's head at migration: version and chain hash.
    var heads: [CaseID: Named]
    var time: Timestamp

    var body: String {
        var lines = [Self.header, "vault \(vaultID.hex)", "from-format \(fromFormat)", "to-format \(toFormat)",
                     "log \(logSize) \(Hex.encode(logRoot))", "roster \(roster.serial) \(Hex.encode(roster.hash))",
                     "policy \(policy.serial) \(Hex.encode(policy.hash))"]
        for id in heads.keys.sorted() { lines.append("case \(id.hex) \(heads[id]!.serial) \(Hex.encode(heads[id]!.hash))") }
        lines.append("time \(time.rfc3339)")
        return lines.joined(separator: "\n") + "\n"
    }

    func signed(by root: SigningSecretKey) -> String {
        body + "signature \(Base64.encode(root.signature(for: Self.signatureDomain + Array(body.utf8))))\n"
    }

    /// Parses a stored statement and checks the centre root signed it for this vault.
    static func verify(_ text: String, vault: VaultID, root: SigningPublicKey) throws(VaultError) -> MigrationStatement {
        func bad() -> VaultError { .format("the vault's migration statement is malformed") }
        guard let sigStart = text.range(of: "signature ", options: .backwards), text.hasSuffix("\n"),
              let sig = Base64.decode(String(text[sigStart.upperBound...].dropLast())), sig.count == 64
        else { throw bad() }
        let body = String(text[..<sigStart.lowerBound])
        do { try root.verify(sig, for: signatureDomain + Array(body.utf8)) } catch {
            throw .auth("the vault's migration statement is not signed by its centre root key")
        }
        var l = body.split(separator: "\n", omittingEmptySubsequences: false).map { $0.split(separator: " ", omittingEmptySubsequences: false).map(String.init) }
        guard l.last == [""] else { throw bad() }
        l.removeLast()
        func named(_ line: [String], _ key: String) -> Named? {
            guard line.count == 3, line[0] == key, let n = UInt64(line[1]), let h = Hex.decode(line[2]), h.count == 32 else { return nil }
            return Named(serial: n, hash: h)
        }
        guard l.count >= 9, l[0] == ["casevault-migration", "v1"], l[1].count == 2, l[1][0] == "vault", VaultID(hex: l[1][1]) == vault,
              l[2].count == 2, l[2][0] == "from-format", l[3].count == 2, l[3][0] == "to-format",
              let log = named(l[4], "log"), let roster = named(l[5], "roster"), let policy = named(l[6], "policy"),
              let last = l.last, last.count == 2, last[0] == "time", let time = Timestamp(rfc3339: last[1])
        else { throw bad() }
        var heads: [CaseID: Named] = [:]
        for line in l[7..<(l.count - 1)] {
            guard line.count == 4, line[0] == "case", let id = try? CaseID(line[1]), let head = named(["case", line[2], line[3]], "case"),
                  heads.updateValue(head, forKey: id) == nil else { throw bad() }
        }
        let s = MigrationStatement(vaultID: vault, fromFormat: l[2][1], toFormat: l[3][1], logSize: log.serial, logRoot: log.hash,
                                   roster: roster, policy: policy, heads: heads, time: time)
        guard s.body == body else { throw bad() }
        return s
    }
}
