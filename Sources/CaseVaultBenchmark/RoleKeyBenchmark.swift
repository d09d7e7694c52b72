import AccessPolicy
import CaseVaultCore
import Foundation
import SodiumKit

/// What adding a night-shift member costs with few and with many cases in the vault: the root
/// seals the current role seed to the newcomer, whatever the number of cases. The raw libsodium
/// cost of one sealed box, measured in the same run, is the reference.
enum RoleKeyBenchmark {
    static let record = "case: {type: resident, opened: 2026-11-20}\nperson: {alias: Blåklokke}\nsafety: {do_not_admit: [Ola Fiktiv]}\n"

    static func run(caseCounts: [Int] = [10, 10_000], rounds: Int = 5) throws -> [String] {
        var lines: [String] = []
        for count in caseCounts {
            let directory = NSTemporaryDirectory() + "casevault-rolekey-bench-" + UUID().uuidString
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let leader = try SecretIdentity.generate(withCentreRoot: true)
            let vault = try Vault.create(at: directory, centreName: "Benk", testVault: true, leaderID: "lina", leaderName: "Lina", leader: leader)
            let root = try Session(vault: vault, identity: leader)
            let kari = try SecretIdentity.generate()
            _ = try root.addMember(id: "kari", name: "Kari", roles: [.contactPerson], identity: kari.publicIdentity)
            let writer = try Session(vault: vault, identity: kari)
            for _ in 0..<count { try writer.createCase(recordText: record) }
            var best = Stopwatch.Cost.worst
            var last: SecretIdentity?
            for i in 0..<rounds {
                let member = try SecretIdentity.generate()
                best = best.best(try Stopwatch.measure {
                    _ = try root.addMember(id: "vakt\(i)", name: "Vakt \(i)", roles: [.nightShift], identity: member.publicIdentity)
                })
                last = member
            }
            // The newest member reads the first case at once: the figure is for a grant that works.
            if let last, let first = try writer.listCases().first {
                let fields = try Session(vault: vault, identity: last).showCase(first.caseID).fields
                guard fields["safety.do_not_admit"] != nil else { throw VaultError.io("the new night-shift member cannot read the cases") }
            }
            lines.append(String(format: "member add (night shift), %5d cases: %.2f ms wall, %.2f ms CPU (best of %d)",
                                count, best.wall * 1e3, best.cpu * 1e3, rounds))
        }
        let recipient = try BoxSecretKey.generate(), seed = try SecureBytes.random(count: 32)
        let seal = try Stopwatch.best(rounds: 5) { for _ in 0..<1000 { _ = try SealedBox.seal(seed, to: recipient.publicKey) } } / 1000
        lines.append(String(format: "reference: one crypto_box_seal of a 32-byte seed: %.1f µs", seal * 1e6))
        return lines
    }
}
