import ArgumentParser
import CaseVaultCore

struct RecoveryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recovery", abstract: "Recover a case whose readers are all gone, with k of n trustees.",
        discussion: """
            The recovery key is shared among trustees: each k-subset holds the key's seed sealed in k layers, one per trustee. Versions written before `recovery setup` carry no recovery envelope and cannot be recovered until they are written again.
            """,
        subcommands: [Setup.self, Request.self, Approve.self])

    struct Setup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create (or rotate) the recovery key, signed by the centre root key.",
            discussion: Examples.text("casevault recovery setup --identity ~/lina.cvkey --root-key /media/usb/root.cvkey --trustees lina,styre1,styre2 --threshold 2"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @OptionGroup var root: RootKeyOptions
        @Option(help: "Trustee member ids, comma-separated (2 to 9).") var trustees: String
        @Option(help: "How many trustees together recover a case (at least 2).") var threshold: Int

        func run() throws {
            let v = try vault.open()
            let ids = trustees.split(separator: ",").map(String.init)
            let r = try identity.withRootSession(in: v, command: "recovery.setup", root: root) { try $0.setUpRecovery(trustees: ids, threshold: threshold) }
            print("Recovery key epoch \(r.epoch): \(threshold) of \(ids.count) trustees (\(ids.joined(separator: ", "))); \(r.wraps) nested wraps")
            Output.note("versions written before this are recoverable only once written again")
        }
    }

    struct Request: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask the trustees to recover a case for a member already assigned to it (leader).",
            discussion: Examples.text("casevault recovery request 3f9a --for karl", "casevault recovery request 3f9a --for karl --trustees styre1,styre2"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: CaseRef.help, completion: CaseRef.completion) var id: String
        @Option(name: .customLong("for"), help: "The new reader (already assigned to the case).", completion: RosterCompletion.members) var reader: String
        @Option(help: "The k trustees who will act, comma-separated (default: the first k).") var trustees: String?

        func run() throws {
            let v = try vault.open()
            let subset = trustees.map { $0.split(separator: ",").map(String.init) }
            let (caseID, r) = try identity.withCase(id, in: v, command: "recovery.request") { s, c in try s.requestRecovery(c, for: reader, trustees: subset) }
            print("Recovery request \(r.id) for case \(caseID.hex), new reader \(reader); logged")
            print("Trustees approve in this order: \(r.subset.joined(separator: ", ")) (`casevault recovery approve \(r.id)`)")
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a recovery request as a trustee and peel your layer.",
            discussion: """
                The last trustee who also gives --root-key rotates the recovery key at once; otherwise the root holder runs `recovery setup` again afterwards.

                \(Examples.text("casevault recovery approve 5c1e0a7b9d2f4e6a8b0c1d2e3f405162 --identity ~/styre1.cvkey"))
                """)
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @OptionGroup var root: RootKeyOptions
        @Argument(help: "The request id `recovery request` printed.") var request: String

        func run() throws {
            let v = try vault.open()
            // The root key is used only when given here explicitly, never from the environment.
            let approve: (Session) throws -> RecoveryProgress = { try $0.approveRecovery(request) }
            let progress = try root.rootKey == nil ? identity.withSession(in: v, command: "recovery.approve", approve)
                : identity.withRootSession(in: v, command: "recovery.approve", root: root, approve)
            switch progress {
            case let .handedOn(next):
                print("Approved and peeled your layer of recovery \(request); next: \(next)")
            case let .recovered(released, stillSealed, rotated):
                print("Recovery \(request) complete: \(released) key(s) granted to the new reader")
                if stillSealed > 0 { Output.note("\(stillSealed) field(s) were written without a recovery envelope and stay sealed") }
                if let rotated { print("Recovery key rotated to epoch \(rotated)") } else {
                    Output.note("the recovery seed was in this computer's memory: the root holder should rotate it now with `casevault recovery setup`")
                }
            }
        }
    }
}
