import Foundation

/// What the freshness checks cost: `case list` and `case show` on a vault of `cases` cases, each
/// with and without the client anchor (pin, log consistency, serials, case heads, state file
/// written), alternated in one run so that the machine's noise hits both alike.
public enum TrustBenchmark {
    public static func run(cases: Int) throws -> [String] {
        let directory = NSTemporaryDirectory() + "casevault-trust-bench-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let leader = try SecretIdentity.generate(withCentreRoot: true)
        let vault = try Vault.create(at: directory + "/vault", centreName: "Benk", testVault: true, leaderID: "lina", leaderName: "Lina", leader: leader)
        let kari = try SecretIdentity.generate()
        _ = try Session(vault: vault, identity: leader).addMember(id: "kari", name: "Kari", roles: [.contactPerson], identity: kari.publicIdentity)
        let plain = try Session(vault: vault, identity: kari)
        var last: CaseID?
        for _ in 0..<cases { last = try plain.createCase(recordText: SampleCase.yaml) }
        guard let caseID = last else { return [] }
        let keyFile = directory + "/kari.key"
        _ = FileManager.default.createFile(atPath: keyFile, contents: Data(), attributes: [.posixPermissions: 0o600])
        try ClientAnchor.pin(vault: vault, keyFile: keyFile, fingerprint: vault.rootFingerprint)
        func anchored<T>(_ body: (Session) throws -> T) throws {
            let anchor = try ClientAnchor.open(keyFile: keyFile, identity: kari, vault: vault)
            _ = try body(try Session(vault: vault, identity: kari, anchor: anchor))
            try anchor.save(vault: vault)
        }
        var lines: [String] = []
        for (name, rounds, body) in [("case list", 3, { (s: Session) throws -> Void in _ = try s.listCases() }),
                                     ("case show", 20, { (s: Session) throws -> Void in _ = try s.showCase(caseID) })] {
            var without = Double.infinity, with = Double.infinity
            for _ in 0..<rounds {
                without = min(without, try BenchClock.best(rounds: 1) { try body(try Session(vault: vault, identity: kari)) })
                with = min(with, try BenchClock.best(rounds: 1) { try anchored(body) })
            }
            lines.append("\(name), \(cases) cases, log \(try vault.logEntryCount()) entries: without freshness checks \(BenchClock.format(without * 1e3, digits: 2)) ms, with \(BenchClock.format(with * 1e3, digits: 2)) ms; ratio \(BenchClock.format(with / without, digits: 2))×")
        }
        return lines
    }
}
