import AccessPolicy
import ArgumentParser
import CaseVaultCore
import Foundation

/// `handover merge-answer`: shows what an imported answer changes in the rest of the case and,
/// once the contact person confirms, writes it.
extension HandoverCommand {
    struct MergeAnswer: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "merge-answer",
            abstract: "Show what an imported answer changes in the case (a police assessment, decided measures, a NAV or housing-office decision) and write it once you confirm; logged.",
            discussion: """
                A police assessment goes into a threat mapping's police_assessment (the first, or --threat N); decided measures renew the case's measure of the same type (a new end date moves its renewal reminder to \(AnswerMerge.renewalLeadDays) days before it) or are added; a decision from NAV or the housing office sets the status of the application it decides (deposit guarantee, social assistance, housing allowance, municipal housing), or adds that application. The answer itself stays in answers[] as the evidence. Without --yes the changes are shown and, at a terminal, you are asked to confirm; nothing is written otherwise.

                \(Examples.text("casevault handover merge-answer Blåklokke --answer 1           # shows the changes, asks", "casevault handover merge-answer 3f9a --answer 1 --yes         # writes them"))
                """)
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: CaseRef.help, completion: CaseRef.completion) var id: String
        @Option(help: "Which imported answer (1 is answers[0]).") var answer: Int
        @Option(help: "For a police assessment: which threat mapping it belongs to (1 is threats[0]; default the first).") var threat: Int?
        @Flag(help: "Write the changes without asking.") var yes = false

        func validate() throws {
            guard answer >= 1 else { throw ValidationError("--answer counts from 1") }
            if let threat, threat < 1 { throw ValidationError("--threat counts from 1") }
        }

        func run() throws {
            let v = try vault.open()
            let n = answer - 1, t = threat.map { $0 - 1 }
            let (caseID, merge) = try identity.withCase(id, in: v, command: "handover.merge-answer") { s, c in
                try s.proposeAnswerMerge(c, answer: n, threat: t)
            }
            print("Svar \(answer) (\(ValueLabels.label(of: merge.kind, pattern: "answers[].kind"))) i sak \(caseID.hex):")
            guard !merge.changes.isEmpty else {
                print("  ingen endring i saken: \(merge.note ?? "svaret er allerede flettet inn")")
                return
            }
            for c in merge.changes {
                let label = FieldCatalog.spec(forPath: c.path)?.label ?? c.path
                let before = c.before.map { $0.norwegianText(path: c.path) } ?? "(tomt)"
                print("  \(c.path) (\(label)): \(before) → \(c.after.norwegianText(path: c.path))")
            }
            if !yes {
                let reply = try Terminal.readText(prompt: "Skriv endringene inn i saken? [j/N] ", what: "a confirmation",
                                                  hint: "run again with --yes to write the changes")
                guard ["j", "ja", "y", "yes"].contains(reply.trimmingCharacters(in: .whitespaces).lowercased()) else {
                    print("Ingenting ble skrevet.")
                    return
                }
            }
            let written = try identity.withSession(in: v, command: "handover.merge-answer") { s in
                try s.mergeAnswer(caseID, answer: n, threat: t, expected: merge.changes)
            }
            print("Wrote \(written.merge.changes.count) change(s) from answer \(answer) into case \(caseID.hex) (version \(written.version))")
        }
    }
}
