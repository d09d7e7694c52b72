import CaseVaultCore
import CaseVaultSamples
import CaseVaultUI
import Foundation

/// How long `casevault ui` takes to render its screens with `cases` fully filled cases in the
/// vault: the core's reads (each logged) and the templates, without HTTP or the key agent. A
/// listing screen's first render builds the member's list index; the figures are of the renders
/// after it, as in a running `casevault ui`, which keeps the client files it read parsed.
enum UIPageBenchmark {
    static func run(cases: Int, rounds: Int = 20) throws -> [String] {
        let directory = NSTemporaryDirectory() + "casevault-ui-bench-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let leader = try SecretIdentity.generate(withCentreRoot: true)
        let vault = try Vault.create(at: directory + "/vault", centreName: "Benk", testVault: true, leaderID: "lina", leaderName: "Lina", leader: leader)
        let kari = try SecretIdentity.generate()
        _ = try Session(vault: vault, identity: leader).addMember(id: "kari", name: "Kari", roles: [.contactPerson], identity: kari.publicIdentity)
        let session = try Session(vault: vault, identity: kari)
        // Closed cases are not on the night board: with most cases closed, as in a centre's
        // vault over years, it shows the open ones only.
        let open = min(30, cases)
        let closed = SampleCase.yaml.replacingOccurrences(of: "status: open, opened", with: "status: closed, opened")
        precondition(closed != SampleCase.yaml, "the sample case's status line changed")
        var ids: [CaseID] = []
        for i in 0..<cases { ids.append(try session.createCase(recordText: i < open ? SampleCase.yaml : closed)) }
        // As `casevault ui` opens a session: with the member's pinned client anchor, so the
        // listing screens use the member's sealed list index after their first render.
        let keyFile = directory + "/kari.key"
        _ = FileManager.default.createFile(atPath: keyFile, contents: Data(), attributes: [.posixPermissions: 0o600])
        try ClientAnchor.pin(vault: vault, keyFile: keyFile, fingerprint: vault.rootFingerprint)
        let gate = VaultGate(open: { command in try vault.openSession(keyFile: keyFile, keys: kari, command: command) })
        var lines: [String] = []
        for (name, path, n) in [("case page", "/sak/\(ids[0].hex)", rounds), ("edit form (person)", "/sak/\(ids[0].hex)/endre/person", rounds),
                                ("night board (\(open) open)", "/", rounds), ("my cases (open)", "/saker", rounds),
                                ("my cases (all, page 1 of \((cases + 49) / 50))", "/saker?alle=1", rounds),
                                ("my cases (all, last page)", "/saker?alle=1&side=\((cases + 49) / 50)", rounds),
                                ("deadlines", "/oppgaver", rounds)] {
            var samples: [Double] = []
            _ = try PageRendering.get(path, gate: gate)  // the first render builds the list index
            for _ in 0..<n {
                var status = 0
                samples.append(try Stopwatch.best(rounds: 1) { status = try PageRendering.get(path, gate: gate) })
                guard status == 200 else { throw VaultError(.ioFailure, "\(name) answered \(status)") }
            }
            samples.sort()
            let p50 = samples[samples.count / 2], p95 = samples[min(samples.count - 1, Int((Double(samples.count) * 0.95).rounded(.up)) - 1)]
            lines.append(String(format: "ui %@, %d cases: p50 %.1f ms, p95 %.1f ms (%d renders)", name, cases, p50 * 1e3, p95 * 1e3, n))
        }
        return lines
    }
}
