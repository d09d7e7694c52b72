import AccessPolicy
import ArgumentParser
import CaseVaultCore
import Foundation

/// `handover request | requests | review | approve | reject`: approval at the approver's own time.
extension HandoverCommand {
    struct Request: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask a leader to approve a handover: signs and stores exactly which fields would leave; nothing leaves yet.",
            discussion: """
                The purpose and the consent reference are read from files (or - for standard input) or asked for at the terminal. The leader then runs `handover review` and `handover approve` (or `reject`) with their own key, at their own time; you send with `handover create --request REQ`.

                \(Examples.text(
                    "casevault handover request --case 3f9a --to politi-ost --basis consent --purpose-file formaal.txt --consent-file samtykke.txt"))
                """)
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Option(name: .customLong("case"), help: CaseRef.help, completion: CaseRef.completion) var caseID: String
        @Option(help: "Recipient id (see `casevault recipient list`).", completion: RosterCompletion.recipients) var to: String
        @Option(help: ArgumentHelp("Read why the recipient gets this from FILE, or - (one line). Asked for when absent.", valueName: "file"),
                completion: .file()) var purposeFile: String?
        @Option(help: "consent or avvergeplikt.") var basis: HandoverManifest.Basis
        @Option(help: ArgumentHelp("Read the consent reference from FILE, or - (required with --basis consent).", valueName: "file"),
                completion: .file()) var consentFile: String?
        @Option(help: "Expiry date of the bundle, YYYY-MM-DD (the end of that day in Oslo; default 30 days after sending is asked for).") var expires: String?
        @Flag(help: "Include the protected address fields the role may receive.") var includeAddress = false
        @Option(name: .customLong("field"), help: HandoverFieldHelp.text) var fields: [String] = []

        func run() throws {
            try FreeText.requireOneStdin([("--purpose-file", purposeFile), ("--consent-file", consentFile)])
            let expiry = try HandoverDates.endOfDay(expires, option: "--expires")
            let purpose = try FreeText.read(file: purposeFile, what: "purpose", option: "--purpose-file", prompt: "Purpose (one line): ")!
            let consent = try FreeText.read(file: consentFile, what: "consent reference", option: "--consent-file",
                                            prompt: basis == .consent ? "Consent reference: " : nil)
            let v = try vault.open()
            let (_, r) = try identity.withCase(caseID, in: v, command: "handover.request") { s, caseID in
                try s.requestHandover(HandoverRequest(caseID: caseID, recipientID: to, purpose: purpose, basis: basis, consentReference: consent,
                                                      expires: expiry, includeAddress: includeAddress, fields: fields.isEmpty ? nil : fields))
            }
            print("Request \(r.requestID): \(r.fields.count) field(s) of case \(r.caseID.hex) for \(r.recipient) (\(r.recipientRole.label))")
            print("Waiting for a leader's approval: `casevault handover review \(r.requestID)`, then `approve` or `reject`")
        }
    }

    struct Requests: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List handover requests: those you may decide (a leader), and your own.",
            discussion: Examples.text("casevault handover requests --identity ~/lina.cvkey", "casevault handover requests --all --json"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Flag(help: "Also list requests already decided or sent.") var all = false
        @OptionGroup var output: JSONFlag

        func run() throws {
            let v = try vault.open()
            let rows = try identity.withSession(in: v, command: "handover.requests") { try $0.handoverRequests() }
                .filter { all || $0.status == .pending || $0.status == .approved || $0.problem != nil }
            if output.json {
                Output.json(rows.map {
                    JSONShape.HandoverRequestRow(request: $0.request.requestID, case: $0.request.caseID.hex, requester: $0.request.requester,
                                                 recipient: $0.request.recipient, recipientRole: $0.request.recipientRole.rawValue,
                                                 basis: $0.request.basis.rawValue, fields: $0.request.fields.count, created: $0.request.created.rfc3339,
                                                 status: $0.status.rawValue, approver: $0.approver, reason: $0.reason, drop: $0.drop,
                                                 problem: $0.problem)
                })
                return
            }
            if rows.isEmpty { Output.line("Ingen forespørsler venter."); return }
            for r in rows {
                let q = r.request
                let status = r.problem.map { "FEIL: \($0)" } ?? HandoverDates.statusLabel(r.status) + (r.reason.map { ": \($0)" } ?? "")
                    + (r.drop.isEmpty ? "" : "; ta ut: \(r.drop.joined(separator: ", "))")
                Output.line("\(q.requestID)  \(q.created.osloText)  sak \(q.caseID.hex.prefix(8))  \(q.requester) → \(q.recipient) (\(q.recipientRole.label))  \(q.fields.count) felt  \(status)")
            }
        }
    }

    struct Review: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show exactly which fields a request would send, and the values your role may read (a logged read), before deciding.",
            discussion: Examples.text("casevault handover review 5e1c… --identity ~/lina.cvkey"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: "The request id.") var request: String
        @OptionGroup var output: JSONFlag

        func run() throws {
            let v = try vault.open()
            let r = try identity.withSession(in: v, command: "handover.review") { try $0.reviewHandoverRequest(request) }
            let q = r.request
            if output.json {
                Output.json(JSONShape.HandoverReview(request: q.requestID, case: q.caseID.hex, caseVersion: q.caseVersion, requester: q.requester,
                                                     recipient: q.recipient, recipientRole: q.recipientRole.rawValue, basis: q.basis.rawValue,
                                                     consent: q.consentReference, purpose: r.purpose, expires: q.expires.rfc3339, fields: q.fields,
                                                     values: JSONShape.Value.map(r.values), sizes: r.sealedSizes, sealed: r.sealedFromReviewer))
                return
            }
            Output.line("Forespørsel \(q.requestID) fra \(q.requester), \(q.created.osloText)")
            Output.line("  sak: \(q.caseID.hex) (versjon \(q.caseVersion))")
            Output.line("  mottaker: \(q.recipient) (\(q.recipientRole.label))")
            Output.line("  grunnlag: \(ValueLabels.label(of: q.basis.rawValue, pattern: "police.basis"))\(q.consentReference.map { " (\($0))" } ?? "")")
            Output.line("  formål: \(r.purpose ?? "(ikke forseglet til deg)")")
            Output.line("  utløper: \(q.expires.osloText)")
            Output.line("Disse \(q.fields.count) feltene vil bli utlevert:")
            var lastGroup = ""
            for path in q.fields {
                let group = CaseText.groupName(path)
                if group != lastGroup { Output.line("  \(group)"); lastGroup = group }
                let label = FieldCatalog.spec(forPath: path)?.label ?? path
                let size = r.sealedSizes[path].map { "\($0) byte forseglet" } ?? "ukjent størrelse"
                let value = r.values[path].map { $0.norwegianText(path: path) } ?? "(forseglet for din rolle)"
                Output.line("    \(label) (\(path), \(size)): \(value)")
            }
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a request you have reviewed: a signed approval over the request, logged.",
            discussion: Examples.text("casevault handover approve 5e1c… --identity ~/lina.cvkey"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: "The request id.") var request: String

        func run() throws {
            let v = try vault.open()
            let d = try identity.withSession(in: v, command: "handover.approve") { try $0.decideHandoverRequest(request, verdict: .approve) }
            print("Approved request \(d.requestID) as \(d.approver); the requester may now send it with `casevault handover create --request \(d.requestID)`")
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reject a request you have reviewed, with a reason (sealed to the requester and you; committed to in the signed rejection).",
            discussion: Examples.text("casevault handover reject 5e1c… --identity ~/lina.cvkey --reason-file begrunnelse.txt --drop person.national_id"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: "The request id.") var request: String
        @Option(help: ArgumentHelp("Read the reason from FILE, or - (one line). Asked for when absent.", valueName: "file"), completion: .file())
        var reasonFile: String?
        @Option(name: .customLong("drop"), help: ArgumentHelp("A field, entry or section of the request the requester should drop (repeatable); signed in the rejection.", valueName: "path"))
        var drop: [String] = []

        func run() throws {
            let reason = try FreeText.read(file: reasonFile, what: "reason", option: "--reason-file", prompt: "Reason (one line): ")!
            let v = try vault.open()
            let d = try identity.withSession(in: v, command: "handover.reject") {
                try $0.decideHandoverRequest(request, verdict: .reject, reason: reason, drop: drop)
            }
            print("Rejected request \(d.requestID)" + (d.drop.isEmpty ? "" : "; asked to drop \(d.drop.joined(separator: ", "))"))
        }
    }
}

enum HandoverDates {
    /// A date option as the end of that day in Oslo.
    static func endOfDay(_ text: String?, option: String) throws -> Timestamp? {
        guard let text else { return nil }
        guard let d = CalendarDate(text) else { throw VaultError(.invalidInput, "\(option) must be a date YYYY-MM-DD") }
        return d.osloEnd
    }

    static func statusLabel(_ s: RequestSummary.Status) -> String {
        switch s {
        case .pending: "venter"
        case .approved: "godkjent"
        case .rejected: "avslått"
        case .sent: "sendt"
        }
    }
}

extension JSONShape {
    struct HandoverRequestRow: Encodable {
        let request, `case`, requester, recipient, recipientRole, basis: String
        let fields: Int
        let created, status: String
        let approver, reason: String?
        /// Paths a rejection asks the requester to drop.
        let drop: [String]
        let problem: String?
    }

    struct HandoverReview: Encodable {
        let request, `case`: String
        let caseVersion: UInt64
        let requester, recipient, recipientRole, basis: String
        let consent, purpose: String?
        let expires: String
        let fields: [String]
        let values: [String: JSONShape.Value]
        /// Sealed size in bytes per path.
        let sizes: [String: Int]
        let sealed: [String]
    }
}

/// `handover create --request REQ`: the approved request decides what leaves.
enum RequestedSend {
    static func run(request: String, selection c: HandoverCommand.Create) throws {
        let given = [("--case", c.caseID), ("--to", c.to), ("--basis", c.basis?.rawValue), ("--purpose-file", c.purposeFile),
                     ("--consent-file", c.consentFile), ("--expires", c.expires), ("--approver-identity", c.approverIdentity)]
            .filter { $0.1 != nil }.map(\.0) + (c.includeAddress ? ["--include-address"] : []) + (c.fields.isEmpty ? [] : ["--field"])
        guard given.isEmpty else { throw CLIError.usage("--request takes the selection from the approved request; drop \(given.joined(separator: ", "))") }
        let reserved = try SecureFile.Reservation(c.out)
        let v = try c.vault.open()
        let result = try c.identity.withSession(in: v, command: "handover.create") { try $0.sendRequestedHandover(request) }
        try reserved.commit(result.bytes)
        let m = result.manifest
        print("Wrote bundle \(m.bundleID) for \(m.recipient) (\(m.recipientRole.rawValue)) to \(c.out)")
        print("Fields included: \(m.fields.count), as approved in request \(request); recorded as a disclosure in case \(m.caseID.hex)")
        if result.withheld > 0 { Output.note("\(result.withheld) field(s) the recipient's role may see are sealed from you and were not included") }
    }
}
