import AccessPolicy
import ArgumentParser
import CaseVaultCore
import Foundation

/// `handover answer` (recipient side) and `handover import-answer` (centre side).
extension HandoverCommand {
    struct Answer: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer a bundle you received: a signed answer sealed to the member who sent it (recipient side; no vault needed).",
            discussion: """
                The answer file is JSON or YAML: `kind` (assessment or measures from the police; housing-offer from the housing office or NAV; deposit-guarantee, social-assistance or housing-allowance from NAV; application-decision from the housing office), an optional `summary`, and the kind's own keys:
                  assessment: assessment_tool, assessment_level (low|moderate|high|acute), assessment_date
                  measures: a list `measures` of {type, decided_on, valid_from, valid_to}
                  housing-offer: offer_area, offer_kind, offer_available_from, offer_respond_by
                  a decision: decision (granted|partly-granted|refused), decision_date, decision_respond_by (the reply deadline), decision_amount (whole kroner, optional)
                At most 64 KiB. The bundle is verified completely first, against the centre root you trust.

                \(Examples.text("casevault handover answer --bundle til-politiet.cvb --answer-file vurdering.yaml --identity ~/politi.cvkey --trust \"$FP\" --out svar.cva"))
                """)
        @Option(help: "The bundle you are answering.", completion: .file()) var bundle: String
        @Option(help: ArgumentHelp("The answer (JSON or YAML), or - for standard input.", valueName: "file"), completion: .file()) var answerFile: String
        @OptionGroup var identity: IdentityOptions
        @Option(help: "The centre root fingerprint you trust.") var trust: String
        @Option(help: "The centre's signed keyring (Keys/keyring.txt), to catch a revoked sender.") var keyring: String?
        @Option(help: "Where to write the answer; never overwritten.", completion: .file()) var out: String

        func run() throws {
            let text = try Output.readInput(answerFile)
            let id = try identity.load()
            // An expired bundle may still be answered: its content is not shown here.
            let opened = try BundleFile.open(bundle, identity: id, keyFile: try identity.keyPath, trust: trust, keyring: keyring, forceExpired: true)
            let answer = try HandoverAnswer.make(answering: opened, answerText: text, identity: id)
            try BundleFile.write(answer.bytes, to: out)
            print("Wrote answer \(answer.manifest.answerID) (\(answer.manifest.kind)) to bundle \(opened.manifest.bundleID) to \(out)")
            print("Sealed to \(opened.sender.name) (\(opened.sender.id)) ; send it back to them")
        }
    }

    struct ImportAnswer: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-answer",
            abstract: "Check a recipient's answer and write it into the case as a new version from that recipient; logged.",
            discussion: Examples.text("casevault handover import-answer svar.cva --identity ~/kari.cvkey"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: "The answer file.", completion: .file()) var file: String

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw VaultError(.notFound, "cannot read \(file)") }
            let v = try vault.open()
            let r = try identity.withSession(in: v, command: "handover.answer-import") { try $0.importAnswer([UInt8](data)) }
            let m = r.manifest
            print("Imported answer \(m.answerID) from \(m.recipientRole.label): \(m.recipient) into case \(m.caseID.hex) as version \(r.version)")
        }
    }
}
