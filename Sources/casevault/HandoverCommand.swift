import AccessPolicy
import ArgumentParser
import CaseVaultCore
import Foundation

struct HandoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handover", abstract: "Sealed, signed handover bundles for the police, the housing office and NAV.",
        subcommands: [Create.self, Open.self, Receipt.self, Confirm.self, Request.self, Requests.self, Review.self, Approve.self, Reject.self,
                      Answer.self, ImportAnswer.self, MergeAnswer.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a bundle with only what the recipient's role may see; logged as a disclosure.",
            discussion: """
                The purpose and the consent reference are free text, so they are read from files (or - for standard input) or asked for at the terminal, never taken as arguments. The approver's passphrase comes from --approver-passphrase-file, else \(Passphrase.approver), else a prompt; never from \(Passphrase.own), which unlocks your own key.

                \(Examples.text(
                    "casevault handover create --case 3f9a --to politi-ost --purpose-file formaal.txt --basis consent --consent-file samtykke.txt \\",
                    "    --expires 2027-01-01 --approver-identity ~/lina.cvkey --out til-politiet.cvb",
                    "echo 'Søknad om kommunal bolig' | casevault handover create --case 3f9a --to nyby-bolig --purpose-file - --basis consent --consent-file samtykke.txt \\",
                    "    --field person.legal_name --field children --field housing --out til-bolig.cvb"))
                """)
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Option(name: .customLong("case"), help: CaseRef.help, completion: CaseRef.completion) var caseID: String?
        @Option(help: "Recipient id (see `casevault recipient list`).", completion: RosterCompletion.recipients) var to: String?
        @Option(help: ArgumentHelp("Read why the recipient gets this from FILE, or - for standard input (one line; inside the bundle, sealed in the case). Asked for when absent.", valueName: "file"),
                completion: .file()) var purposeFile: String?
        @Option(help: "consent or avvergeplikt.") var basis: HandoverManifest.Basis?
        @Option(help: ArgumentHelp("Read the consent reference from FILE, or - (required with --basis consent; asked for when absent).", valueName: "file"),
                completion: .file()) var consentFile: String?
        @Option(name: .customLong("purpose"), help: .hidden) var purposeArgument: String?
        @Option(name: .customLong("consent"), help: .hidden) var consentArgument: String?
        @Option(help: "Expiry date, YYYY-MM-DD (the end of that day in Oslo).") var expires: String?
        @Flag(help: "Include the protected address fields the role may receive (police: only when measures at the new home need it).") var includeAddress = false
        @Option(name: .customLong("field"), help: HandoverFieldHelp.text) var fields: [String] = []
        @Option(help: "The approving leader's key file (required where the policy demands approval, by default for the police).", completion: .file()) var approverIdentity: String?
        @Option(help: "Read the approver's passphrase from this file (else $\(Passphrase.approver), else a prompt).", completion: .file()) var approverPassphraseFile: String?
        @Option(help: "Where to write the bundle; never overwritten.", completion: .file()) var out: String
        @Option(help: "Send an approved request (`handover request`): exactly its fields, with its approval; no other selection option.") var request: String?

        func validate() throws {
            if purposeArgument != nil { throw FreeText.argumentRefused("--purpose", use: "--purpose-file") }
            if consentArgument != nil { throw FreeText.argumentRefused("--consent", use: "--consent-file") }
        }

        func run() throws {
            if let request { return try RequestedSend.run(request: request, selection: self) }
            guard let caseRef = caseID, let to, let basis else { throw CLIError.usage("--case, --to and --basis are required (or --request REQ)") }
            try FreeText.requireOneStdin([("--purpose-file", purposeFile), ("--consent-file", consentFile)])
            let expiry = try HandoverDates.endOfDay(expires, option: "--expires")
            let purpose = try FreeText.read(file: purposeFile, what: "purpose", option: "--purpose-file", prompt: "Purpose (one line): ")!
            let consent = try FreeText.read(file: consentFile, what: "consent reference", option: "--consent-file",
                                            prompt: basis == .consent ? "Consent reference: " : nil)
            // Reserve the output first: a bundle that cannot be written must not be recorded as disclosed.
            let reserved = try SecureFile.Reservation(out)
            let v = try vault.open()
            let approver = try approverIdentity.map {
                try KeyUnlock.load($0, passphraseFile: approverPassphraseFile, variable: Passphrase.approver, whose: "the approver's")
            }
            let (caseID, result) = try identity.withCase(caseRef, in: v, command: "handover.create") { s, caseID in
                try s.createHandover(HandoverRequest(caseID: caseID, recipientID: to, purpose: purpose, basis: basis, consentReference: consent,
                                                     expires: expiry, includeAddress: includeAddress, fields: fields.isEmpty ? nil : fields),
                                  approver: approver)
            }
            try reserved.commit(result.bytes)
            print("Wrote bundle \(result.manifest.bundleID) for \(result.manifest.recipient) (\(result.manifest.recipientRole.rawValue)) to \(out)")
            print("Fields included: \(result.manifest.fields.count); recorded as a disclosure in case \(caseID.hex)")
            if result.withheld > 0 { Output.note("\(result.withheld) field(s) the recipient's role may see are sealed from you and were not included") }
        }
    }

    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a bundle completely, then show it, or save a document it hands over (recipient side; no vault needed).",
            discussion: Examples.text("casevault handover open til-politiet.cvb --identity ~/politi.cvkey --trust \"<centre root fingerprint>\"",
                                      "casevault handover open til-politiet.cvb --identity ~/politi.cvkey --trust \"$FP\" --keyring Keys/keyring.txt --json",
                                      "casevault handover open til-politiet.cvb --identity ~/politi.cvkey --trust \"$FP\" --save-document 1 --out ~/samtykke.pdf"))
        @Argument(help: "The bundle file.", completion: .file()) var file: String
        @OptionGroup var identity: IdentityOptions
        @Option(help: "The centre root fingerprint you trust (from the centre, confirmed out of band).") var trust: String
        @Option(help: "The centre's signed keyring (Keys/keyring.txt), to catch a revoked sender.") var keyring: String?
        @Flag(help: "Open an expired bundle anyway (says so).") var forceExpired = false
        @Option(help: ArgumentHelp("Save document N of the bundle (as `handover open` lists it) instead of showing the bundle.", valueName: "n"))
        var saveDocument: Int?
        @Option(help: "Where --save-document writes the document (created with mode 0600), or - for standard output.", completion: .file())
        var out: String?
        @Flag(help: "Replace the file at --out if it exists.") var force = false
        @OptionGroup var output: JSONFlag

        func validate() throws {
            guard let n = saveDocument else {
                if out != nil || force { throw ValidationError("--out and --force go with --save-document N") }
                return
            }
            guard n >= 1 else { throw ValidationError("the document number starts at 1 (as `handover open` lists them)") }
            guard out != nil else { throw ValidationError("--save-document needs --out PATH, or --out - for standard output") }
            if output.json { throw ValidationError("--save-document writes the document, not JSON; leave out --json") }
        }

        func run() throws {
            if let n = saveDocument, let out, out != "-", !force, FileManager.default.fileExists(atPath: out) {
                throw CLIError(.refused, "\(out) already exists; give another path, or --force to replace it", hints: ["document \(n) was not saved"])
            }
            let opened = try BundleFile.open(file, identity: try identity.load(), keyFile: try identity.keyPath, trust: trust, keyring: keyring,
                                             forceExpired: forceExpired)
            if opened.openedAfterExpiry { Output.note("warning: this bundle expired at \(opened.manifest.expires!.osloText); opened because --force-expired was given") }
            if let n = saveDocument, let out {
                let saved = try opened.document(n - 1)
                try DocumentFile.write(saved.content, to: out, force: force)
                if out != "-" { Output.note("Saved document \(n) of bundle \(opened.manifest.bundleID) to \(out) (\(saved.document.size) bytes, mode 0600); delete it when done") }
                return
            }
            if output.json { Output.json(BundleText.json(opened)) } else { BundleText.print(opened) }
        }
    }

    struct Receipt: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a signed receipt for a bundle you opened (recipient side).",
            discussion: Examples.text("casevault handover receipt til-politiet.cvb --identity ~/politi.cvkey --trust \"$FP\" --out kvittering.txt"))
        @Argument(help: "The bundle file.", completion: .file()) var file: String
        @OptionGroup var identity: IdentityOptions
        @Option(help: "The centre root fingerprint you trust.") var trust: String
        @Flag(help: "Acknowledge an expired bundle anyway.") var forceExpired = false
        @Option(help: "Where to write the receipt.") var out: String

        func run() throws {
            let id = try identity.load()
            let opened = try BundleFile.open(file, identity: id, keyFile: try identity.keyPath, trust: trust, keyring: nil, forceExpired: forceExpired)
            let receipt = HandoverReceipt(for: opened, identity: id)
            try BundleFile.write(Array(receipt.text.utf8), to: out)
            print("Wrote receipt for bundle \(receipt.bundleID) to \(out); send it back to \(BundleText.centre(opened))")
        }
    }

    struct Confirm: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a recipient's receipt and record it in the case and the access log.",
            discussion: Examples.text("casevault handover confirm kvittering.txt --identity ~/kari.cvkey"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: "The receipt file.") var receipt: String

        func run() throws {
            let v = try vault.open()
            let text = try Output.readInput(receipt)
            let r = try identity.withSession(in: v, command: "handover.confirm") { try $0.confirmReceipt(text) }
            print("Confirmed: \(r.recipient) received bundle \(r.bundleID) at \(r.received.osloText)")
        }
    }
}

extension HandoverManifest.Basis: ExpressibleByArgument {}

enum HandoverFieldHelp {
    static var text: ArgumentHelp {
        ArgumentHelp(
            "Send only this field, entry or section (repeatable: person.legal_name, measures[0], housing); each within what the recipient's role may get. Without it: everything the role may get.",
            valueName: "path")
    }
}

enum BundleFile {
    /// Created with O_EXCL: an existing file is never clobbered.
    static func write(_ bytes: [UInt8], to path: String) throws {
        guard FileManager.default.createFile(atPath: path + ".partial-\(getpid())", contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw VaultError(.ioFailure, "cannot write \(path)")
        }
        defer { unlink(path + ".partial-\(getpid())") }
        guard link(path + ".partial-\(getpid())", path) == 0 else {
            throw VaultError(errno == EEXIST ? .refused : .ioFailure, errno == EEXIST ? "\(path) already exists; refusing to overwrite it" : "cannot write \(path)")
        }
    }

    static func open(_ file: String, identity: SecretIdentity, keyFile: String, trust: String, keyring: String?, forceExpired: Bool) throws -> OpenedBundle {
        guard let data = FileManager.default.contents(atPath: file) else { throw VaultError(.notFound, "cannot read \(file)") }
        let keyringText = try keyring.map { try Output.readInput($0) }
        return try HandoverBundle.open([UInt8](data), identity: identity, keyFile: keyFile, trustedRoot: trust, allowExpired: forceExpired,
                                       keyring: keyringText)
    }
}

/// The recipient's view: the manifest first, then the fields with their Norwegian labels.
enum BundleText {
    static func print(_ b: OpenedBundle) {
        let m = b.manifest
        Output.line("Utlevering fra \(centre(b)) — verifisert")
        Output.line("  pakke: \(m.bundleID)")
        Output.line("  sak: \(m.caseID.hex) (versjon \(m.caseVersion))")
        Output.line("  avsender: \(b.sender.name) (\(m.sender)), fingeravtrykk \(b.sender.identity.fingerprint)")
        if let a = b.approver { Output.line("  godkjent av: \(a.name) (\(a.id))") }
        Output.line("  mottaker: \(m.recipient) (\(m.recipientRole.label))")
        Output.line("  formål: \(m.purpose)")
        Output.line("  grunnlag: \(ValueLabels.label(of: m.basis.rawValue, pattern: "police.basis"))\(m.consentReference.map { " (\($0))" } ?? "")")
        Output.line("  laget: \(m.created.osloText)\(m.expires.map { ", utløper \($0.osloText)" } ?? "")")
        var lastGroup = ""
        // A document's reference holds its key: it is never shown; the document is saved with --save-document.
        for path in CaseRecord(fields: b.fields).orderedPaths where !CaseDocument.isContentPath(path) {
            let group = CaseText.groupName(path)
            if group != lastGroup { Output.line("\n\(group)"); lastGroup = group }
            Output.line("  \(FieldCatalog.spec(forPath: path)?.label ?? path): \(b.fields[path]!.norwegianText(path: path))")
        }
        guard !b.documents.isEmpty else { return }
        Output.line("\nDokumenter i pakken (lagre med --save-document N --out FIL)")
        for d in b.documents {
            Output.line("  \(d.index + 1)  \(Output.neutralised(d.title, keepNewlines: false))  \(d.kind.rawValue.uppercased())  \(d.size) byte")
        }
    }

    /// The centre's name from its signed roster; a version-1 roster has none, so its root fingerprint stands in.
    static func centre(_ b: OpenedBundle) -> String {
        b.centre ?? "senteret med rotfingeravtrykk \(b.roster.roster.rootFingerprint)"
    }

    static func json(_ b: OpenedBundle) -> JSONShape.OpenedBundle {
        let m = b.manifest
        return JSONShape.OpenedBundle(
            bundle: m.bundleID, centre: centre(b), case: m.caseID.hex, caseVersion: m.caseVersion, sender: m.sender,
            senderFingerprint: b.sender.identity.fingerprint, approvedBy: b.approver?.id, recipient: m.recipient,
            recipientRole: m.recipientRole.rawValue, purpose: m.purpose, basis: m.basis.rawValue, consent: m.consentReference,
            created: m.created.rfc3339, expires: m.expires?.rfc3339, expired: b.openedAfterExpiry,
            fields: JSONShape.Value.map(b.fields.filter { !CaseDocument.isContentPath($0.key) }),
            documents: b.documents.isEmpty ? nil : b.documents.map(JSONShape.Document.init))
    }
}
