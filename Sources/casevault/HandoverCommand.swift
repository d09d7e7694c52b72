import AccessPolicy
import ArgumentParser
import CaseVaultCore
import Foundation

struct HandoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handover", abstract: "Sealed, signed handover bundles for the police, the housing office and NAV.",
        subcommands: [Create.self, Open.self, Receipt.self, Confirm.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a bundle with only what the recipient's role may see; logged as a disclosure.")
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Option(name: .customLong("case"), help: "Case id.") var caseID: String
        @Option(help: "Recipient id (see `casevault recipient list`).") var to: String
        @Option(help: "Why the recipient gets this (one line; inside the bundle, sealed in the case).") var purpose: String
        @Option(help: "consent or avvergeplikt.") var basis: HandoverManifest.Basis
        @Option(help: "The consent reference (required with --basis consent).") var consent: String?
        @Option(help: "Expiry date, YYYY-MM-DD (end of that day, UTC).") var expires: String?
        @Flag(help: "Include the protected address fields the role may receive (police: only when measures at the new home need it).") var includeAddress = false
        @Option(help: "The approving leader's key file (required where the policy demands approval, by default for the police).") var approverIdentity: String?
        @Option(help: "Read the approver's passphrase from this file.") var approverPassphraseFile: String?
        @Option(help: "Where to write the bundle; never overwritten.") var out: String

        func run() throws {
            let caseID = try CaseID(caseID)
            var expiry: Timestamp?
            if let expires {
                guard let d = CalendarDate(expires) else { throw VaultError(.invalidInput, "--expires must be a date YYYY-MM-DD") }
                expiry = Timestamp(seconds: d.startSeconds + 86_399)
            }
            // Reserve the output first: a bundle that cannot be written must not be recorded as disclosed.
            let reserved = try SecureFile.Reservation(out)
            let v = try vault.open()
            var approver: SecretIdentity?
            if let approverIdentity {
                let source = PassphraseSource.resolve(file: approverPassphraseFile, prompt: "Approver's passphrase for \(approverIdentity): ")
                approver = try KeyFile.load(from: approverIdentity, passphrase: try source.read())
            }
            let request = HandoverRequest(caseID: caseID, recipientID: to, purpose: purpose, basis: basis, consentReference: consent,
                                          expires: expiry, includeAddress: includeAddress)
            let result = try identity.withSession(in: v, command: "handover.create", caseID: caseID) { try $0.createHandover(request, approver: approver) }
            try reserved.commit(result.bytes)
            print("Wrote bundle \(result.manifest.bundleID) for \(result.manifest.recipient) (\(result.manifest.recipientRole.rawValue)) to \(out)")
            print("Fields included: \(result.manifest.fields.count); recorded as a disclosure in case \(caseID.hex)")
            if result.withheld > 0 { Output.note("\(result.withheld) field(s) the recipient's role may see are sealed from you and were not included") }
        }
    }

    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Verify a bundle completely, then show it (recipient side; no vault needed).")
        @Argument(help: "The bundle file.") var file: String
        @OptionGroup var identity: IdentityOptions
        @Option(help: "The centre root fingerprint you trust (from the centre, confirmed out of band).") var trust: String
        @Option(help: "The centre's signed keyring (Keys/keyring.txt), to catch a revoked sender.") var keyring: String?
        @Flag(help: "Open an expired bundle anyway (says so).") var forceExpired = false
        @OptionGroup var output: JSONFlag

        func run() throws {
            let opened = try BundleFile.open(file, identity: try identity.load(), trust: trust, keyring: keyring, forceExpired: forceExpired)
            if opened.openedAfterExpiry { Output.note("warning: this bundle expired at \(opened.manifest.expires!.osloText); opened because --force-expired was given") }
            if output.json { Output.json(BundleText.json(opened)) } else { BundleText.print(opened) }
        }
    }

    struct Receipt: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a signed receipt for a bundle you opened (recipient side).")
        @Argument(help: "The bundle file.") var file: String
        @OptionGroup var identity: IdentityOptions
        @Option(help: "The centre root fingerprint you trust.") var trust: String
        @Flag(help: "Acknowledge an expired bundle anyway.") var forceExpired = false
        @Option(help: "Where to write the receipt.") var out: String

        func run() throws {
            let id = try identity.load()
            let opened = try BundleFile.open(file, identity: id, trust: trust, keyring: nil, forceExpired: forceExpired)
            let receipt = HandoverReceipt(for: opened, identity: id)
            try BundleFile.write(Array(receipt.text.utf8), to: out)
            print("Wrote receipt for bundle \(receipt.bundleID) to \(out); send it back to \(opened.manifest.centreName)")
        }
    }

    struct Confirm: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a recipient's receipt and record it in the case and the access log.")
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

    static func open(_ file: String, identity: SecretIdentity, trust: String, keyring: String?, forceExpired: Bool) throws -> OpenedBundle {
        guard let data = FileManager.default.contents(atPath: file) else { throw VaultError(.notFound, "cannot read \(file)") }
        let keyringText = try keyring.map { try Output.readInput($0) }
        return try HandoverBundle.open([UInt8](data), identity: identity, trustedRoot: trust, allowExpired: forceExpired, keyring: keyringText)
    }
}

/// The recipient's view: the manifest first, then the fields with their Norwegian labels.
enum BundleText {
    static func print(_ b: OpenedBundle) {
        let m = b.manifest
        Swift.print("Utlevering fra \(m.centreName) — verifisert")
        Swift.print("  pakke: \(m.bundleID)")
        Swift.print("  sak: \(m.caseID.hex) (versjon \(m.caseVersion))")
        Swift.print("  avsender: \(b.sender.name) (\(m.sender)), fingeravtrykk \(b.sender.identity.fingerprint)")
        if let a = b.approver { Swift.print("  godkjent av: \(a.name) (\(a.id))") }
        Swift.print("  mottaker: \(m.recipient) (\(m.recipientRole.label))")
        Swift.print("  formål: \(m.purpose)")
        Swift.print("  grunnlag: \(ValueLabels.label(of: m.basis.rawValue, pattern: "police.basis"))\(m.consentReference.map { " (\($0))" } ?? "")")
        Swift.print("  laget: \(m.created.osloText)\(m.expires.map { ", utløper \($0.osloText)" } ?? "")")
        var lastGroup = ""
        for path in CaseRecord(fields: b.fields).orderedPaths {
            let group = CaseText.groupName(path)
            if group != lastGroup { Swift.print("\n\(group)"); lastGroup = group }
            Swift.print("  \(FieldCatalog.spec(forPath: path)?.label ?? path): \(b.fields[path]!.norwegianText(path: path))")
        }
    }

    static func json(_ b: OpenedBundle) -> [String: Any] {
        let m = b.manifest
        return [
            "bundle": m.bundleID, "centre": m.centreName, "case": m.caseID.hex, "case_version": m.caseVersion,
            "sender": m.sender, "sender_fingerprint": b.sender.identity.fingerprint, "approved_by": b.approver?.id ?? NSNull(),
            "recipient": m.recipient, "recipient_role": m.recipientRole.rawValue, "purpose": m.purpose, "basis": m.basis.rawValue,
            "consent": m.consentReference ?? NSNull(), "created": m.created.rfc3339, "expires": m.expires?.rfc3339 ?? NSNull(),
            "expired": b.openedAfterExpiry, "fields": Dictionary(uniqueKeysWithValues: b.fields.map { ($0.key, $0.value.jsonObject) }),
        ]
    }
}
