import CaseVaultCore
import CaseVaultSamples
import Foundation

/// What the freshness checks cost: `case list` and `case show` on a vault of `cases` cases, each
/// with and without the client anchor (pin, log consistency, serials, case heads, state file
/// written), alternated in one run so that the machine's noise hits both alike.
enum TrustBenchmark {
    static func run(cases: Int) throws -> [String] {
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
        // As a command does in its own process: nothing kept from the run before (the screens keep
        // the client files they parsed; a command starts empty).
        func anchored<T>(_ body: (Session) throws -> T) throws {
            ParsedClientFiles.forgetAll()
            let anchor = try ClientAnchor.open(keyFile: keyFile, identity: kari, vault: vault)
            _ = try body(try Session(vault: vault, identity: kari, anchor: anchor))
            try anchor.save(vault: vault)
        }
        var lines: [String] = []
        // A listing with the anchor keeps a sealed index of what it verified: "cold" removes it
        // first (every case opened), "warm" lists after a listing (only changed cases opened).
        func removeIndexes() {
            for listing in ["list", "tasks"] { try? FileManager.default.removeItem(atPath: "\(keyFile).\(vault.vaultID.hex).\(listing).index") }
        }
        // A profiler's run: only warm listings of one kind, repeated (`perf record` around it).
        if let only = ProcessInfo.processInfo.environment["CASEVAULT_BENCH_PROFILE_WARM"] {
            let body: (Session) throws -> Void = only == "tasks" ? { _ = try DueList(session: $0).listing(withinDays: 30) } : { _ = try $0.listCases() }
            try anchored(body)
            FileHandle.standardError.write(Data("warm listings start\n".utf8))
            let seconds = try Stopwatch.best(rounds: 30) { try anchored(body) }
            return [String(format: "warm %@, %d cases: best of 30 %.1f ms", only, cases, seconds * 1e3)]
        }
        for (name, body) in [("case list", { (s: Session) throws -> Void in _ = try s.listCases() }),
                             ("tasks", { (s: Session) throws -> Void in _ = try DueList(session: s).listing(withinDays: 30) })] {
            var without = Double.infinity, cold = Double.infinity, warm = Double.infinity
            for _ in 0..<2 {
                without = min(without, try Stopwatch.best(rounds: 1) { try body(try Session(vault: vault, identity: kari)) })
                removeIndexes()
                cold = min(cold, try Stopwatch.best(rounds: 1) { try anchored(body) })
                warm = min(warm, try Stopwatch.best(rounds: 3) { try anchored(body) })
            }
            lines.append(String(format: "%@, %d cases, log %d entries: without freshness checks %.1f ms; with them, index cold %.1f ms, warm %.1f ms (%.1f%% of without)",
                                name, cases, try vault.logEntryCount(), without * 1e3, cold * 1e3, warm * 1e3, warm / without * 100))
        }
        // Where a `case show` with the anchor spends its time: opening the anchor (state file,
        // log extension), the read itself, saving the state file.
        var open = Double.infinity, read = Double.infinity, save = Double.infinity
        for _ in 0..<20 {
            var anchor: ClientAnchor?
            ParsedClientFiles.forgetAll()
            open = min(open, try Stopwatch.best(rounds: 1) { anchor = try ClientAnchor.open(keyFile: keyFile, identity: kari, vault: vault) })
            guard let anchor else { continue }
            read = min(read, try Stopwatch.best(rounds: 1) { _ = try Session(vault: vault, identity: kari, anchor: anchor).showCase(caseID) })
            save = min(save, try Stopwatch.best(rounds: 1) { try anchor.save(vault: vault) })
        }
        lines.append(String(format: "case show with the anchor, %d cases: anchor opened %.2f ms, read %.2f ms, state saved %.2f ms", cases, open * 1e3, read * 1e3, save * 1e3))
        var without = Double.infinity, with = Double.infinity
        for _ in 0..<20 {
            without = min(without, try Stopwatch.best(rounds: 1) { _ = try Session(vault: vault, identity: kari).showCase(caseID) })
            with = min(with, try Stopwatch.best(rounds: 1) { try anchored { _ = try $0.showCase(caseID) } })
        }
        lines.append(String(format: "case show, %d cases, log %d entries: without freshness checks %.2f ms, with %.2f ms; ratio %.2f×",
                            cases, try vault.logEntryCount(), without * 1e3, with * 1e3, with / without))
        return lines
    }
}
