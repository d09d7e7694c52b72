import ArgumentParser
import CaseVaultCore
import Foundation
import SodiumKit
import TransparencyLog

/// The auditor's commands. The work lives in CaseVaultCore/Audit; this file only parses
/// arguments and prints. Nothing here can print a field's value: the library hands it none.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Export, verify, witness and search the tamper-evident access log.",
        subcommands: [Export.self, Verify.self, Witness.self, Prove.self, Log.self, ForCase.self])

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the log, checkpoint and roster history to a new folder for offline verification.",
            discussion: Examples.text("casevault audit export --identity ~/anne.cvkey /media/usb/logg-2026-11"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: "The folder to create (must not exist, or be empty).") var dir: String
        @OptionGroup var output: JSONFlag

        func run() throws {
            let v = try vault.open()
            let s = try identity.withSession(in: v, command: "audit.export") { try $0.exportAudit(to: dir) }
            if output.json {
                Output.json(JSONShape.AuditExport(folder: s.folder, entries: s.entries, checkpointSize: s.checkpointSize, rosters: s.rosters,
                                                  cosignedCheckpoints: s.cosignedCheckpoints, rootFingerprint: v.rootFingerprint))
            } else {
                print("Exported \(s.entries) log entries, checkpoint size \(s.checkpointSize), \(s.rosters) roster(s) to \(s.folder)")
                print("Centre root fingerprint: \(v.rootFingerprint)")
                print("Verify offline with: casevault audit verify \(dir) --root-fingerprint \"…\" (the fingerprint the centre published, never one read from the export)")
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify an export offline: every entry, the roster history, the checkpoint and its cosignatures.",
            discussion: """
                Needs no vault and no case key. Exit 0 when everything verifies, 77 when a check fails, 65 when the export is malformed; the error line names the first bad entry.

                \(Examples.text("casevault audit verify /media/usb/logg-2026-11 --root-fingerprint \"<centre root fingerprint>\"",
                                "casevault audit verify logg --since ~/witness.state --witness-identity ~/anne.pub --json"))
                """)
        @Argument(help: "The export folder.", completion: .directory) var dir: String
        @Option(help: "An earlier checkpoint note or witness state file the log must extend.") var since: String?
        @Option(help: "The centre root fingerprint to trust (default: $CASEVAULT_ROOT_FINGERPRINT). Without one, verify refuses.")
        var rootFingerprint: String?
        @Flag(help: "No pin: trust the export's own root this once, and print its fingerprint.") var trustOnFirstUse = false
        @Option(help: "A witness verifier key (name+id+key) whose cosignature must be present. Repeatable.") var witnessKey: [String] = []
        @Option(help: "A key file or public identity of a member who runs a witness (no passphrase needed). Repeatable.")
        var witnessIdentity: [String] = []
        @OptionGroup var output: JSONFlag

        func run() throws {
            var options = AuditVerifier.Options(trustOnFirstUse: trustOnFirstUse)
            options.rootFingerprint = rootFingerprint ?? ProcessInfo.processInfo.environment["CASEVAULT_ROOT_FINGERPRINT"].flatMap { $0.isEmpty ? nil : $0 }
            for vkey in witnessKey {
                do { options.witnesses.append(try CosignatureVerifier(vkey: vkey)) } catch {
                    throw CLIError(.invalidInput, "--witness-key: \(error)", hints: ["a witness key is name+id+key, as `audit witness` prints it"], cause: error)
                }
            }
            for path in witnessIdentity { options.witnessMemberKeys.append(try Self.publicSigningKey(path)) }
            if let since {
                guard let data = FileManager.default.contents(atPath: since) else { throw VaultError(.notFound, "cannot read \(since)") }
                options.since = [UInt8](data)
            }
            let report: AuditReport
            do { report = try AuditVerifier(folder: dir, options: options).verify() } catch {
                for line in error.lines { Output.note("error: " + line) }  // every disagreeing case, one line each
                let e = error.vaultError
                throw CLIError(e.kind, e.message, cause: error)
            }
            if output.json {
                Output.json(JSONShape.AuditVerify(
                    verified: true, vault: report.vaultID.hex, origin: report.origin, rootFingerprint: report.rootFingerprint,
                    rootPinned: report.rootPinned, rosters: report.rosterCount, entries: report.entryCount, contentReads: report.contentReads,
                    checkpointSize: report.checkpointSize, checkpointRoot: Base64.encode(report.checkpointRoot), checkpointSigners: report.checkpointSigners,
                    cosignatures: report.cosignatures.map { JSONShape.Cosignature(witness: $0.witness, size: $0.size, timestamp: $0.timestamp) },
                    unauthenticatedAttempts: report.unauthenticatedAttempts, tail: [report.tail.lowerBound, report.tail.upperBound],
                    consistentSince: report.consistentSince,
                    breakGlass: report.breakGlass.map { b in
                        JSONShape.BreakGlass(request: b.request, case: b.caseID, breaker: b.breaker, openedBy: b.openedBy, mode: b.mode,
                                             reasonCode: b.reasonCode, opened: b.opened.rfc3339, entry: b.openIndex, reviewed: b.isReviewed,
                                             reviewer: b.reviewer, outcome: b.outcome)
                    }, witnessFreshness: .init(report.witnessFreshness)))
            } else {
                report.summaryLines.forEach { print($0) }
                print(report.witnessFreshness.line(now: .now()))
                print(report.rootPinned ? "Verified." : "Verified, with the root trusted on first use: \(report.rootFingerprint)")
            }
        }

        /// A key file holds the public identity in clear, and so does a published identity line.
        static func publicSigningKey(_ path: String) throws -> SigningPublicKey {
            if let text = try? Output.readInput(path), let id = try? PublicIdentity(text: text) { return id.signingKey }
            return try KeyFile.loadPublic(from: path).signingKey
        }
    }

    struct Witness: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cosign the vault's latest checkpoint with your own key, if it extends the one you cosigned before.",
            discussion: """
                The auditor runs this regularly and keeps the state file outside the vault: with it, cutting or rewriting the log is caught.

                \(Examples.text("casevault audit witness --identity ~/anne.cvkey --state ~/witness.state"))
                """)
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Option(help: "The witness state file (created on the first run, replaced atomically).") var state: String
        @OptionGroup var output: JSONFlag

        func run() throws {
            let v = try vault.open()
            let r = try identity.withSession(in: v, command: "audit.witness") { try $0.witness(statePath: state) }
            if output.json {
                Output.json(JSONShape.Witness(size: r.checkpoint.size, previousSize: r.previousSize, root: Base64.encode(r.checkpoint.rootHash),
                                              witnessKey: r.witness.vkey))
            } else {
                let from = r.previousSize.map { "extends size \($0)" } ?? "first run: this checkpoint is now pinned"
                print("Cosigned checkpoint size \(r.checkpoint.size), root \(Base64.encode(r.checkpoint.rootHash)) (\(from))")
                print("Witness key: \(r.witness.vkey)")
            }
        }
    }

    struct Prove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write an offline inclusion proof (C2SP tlog-proof) for one entry.",
            discussion: Examples.text("casevault audit prove --identity ~/anne.cvkey 42 --out entry-42.proof"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: "The entry's index.") var index: UInt64
        @Option(help: "Where to write the proof (never overwritten).") var out: String

        func run() throws {
            guard !FileManager.default.fileExists(atPath: out) else { throw VaultError(.refused, "\(out) already exists; refusing to overwrite it") }
            let v = try vault.open()
            let bytes = try identity.withSession(in: v, command: "audit.prove") { try $0.prove(index: index) }
            guard FileManager.default.createFile(atPath: out, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
                throw VaultError(.ioFailure, "cannot write \(out)")
            }
            print("Wrote the inclusion proof for entry \(index) to \(out)")
        }
    }

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Search the log: who did what to which case, and when.",
            discussion: Examples.text("casevault audit log --identity ~/anne.cvkey --case 3f9a --action case.read --since 2026-11-01",
                                      "casevault audit log --actor nils --until 2026-11-30 --json"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Option(name: .customLong("case"), help: CaseRef.help, completion: CaseRef.completion) var caseID: String?
        @Option(help: "Member id of the actor.", completion: RosterCompletion.members) var actor: String?
        @Option(help: "Action, e.g. case.read.") var action: String?
        @Option(help: "From this time: YYYY-MM-DD (from the start of that day in Oslo) or YYYY-MM-DDTHH:MM:SSZ (UTC).") var since: String?
        @Option(help: "Up to this time, inclusive (a date means the whole of that day in Oslo).") var until: String?
        @OptionGroup var output: JSONFlag

        func run() throws {
            let from = try since.map { try AuditTime.parse($0, endOfDay: false) }
            let to = try until.map { try AuditTime.parse($0, endOfDay: true) }
            let v = try vault.open()
            let entries = try identity.withSession(in: v, command: "audit.log") { session in
                let filter = AuditFilter(caseID: try caseID.map { try session.resolveCaseID($0) }, actor: actor, action: action, since: from, until: to)
                return try session.auditLog(filter: filter)
            }
            if output.json {
                Output.json(entries.map(AuditJSON.entry))
                return
            }
            if entries.isEmpty { print("No matching entries.") }
            for e in entries {
                var line = "\(e.index)  \(e.time.osloText)  \(e.actor.padding(12)) \(e.action.padding(18)) \(e.caseID?.hex ?? "-")"
                if !e.fields.isEmpty { line += "  \(e.fields.count) field(s)" }
                if !e.detail.isEmpty { line += "  " + e.detail.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
                print(line)
            }
        }
    }

    struct ForCase: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "for-case", abstract: "The resident's access report: who accessed the case, and what was disclosed.",
            discussion: Examples.text("casevault audit for-case --identity ~/anne.cvkey 3f9a0c1d2e4b5a697887"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: CaseRef.help, completion: CaseRef.completion) var id: String
        @Flag(help: "Print the report as an HTML page (to print or save).") var html = false
        @OptionGroup var output: JSONFlag

        func run() throws {
            let v = try vault.open()
            let report = try identity.withCase(id, in: v, command: "audit.for-case") { s, c in try s.residentAccessReport(caseID: c) }.result
            if output.json { Output.json(AuditJSON.report(report)) } else { print(html ? report.html : report.text, terminator: "") }
        }
    }
}

/// `--since` / `--until`: an Oslo date (its first or last second) or an RFC 3339 UTC time.
enum AuditTime {
    static func parse(_ text: String, endOfDay: Bool) throws -> Timestamp {
        if let t = Timestamp(rfc3339: text) { return t }
        if let d = CalendarDate(text) { return endOfDay ? d.osloEnd : d.osloStart }
        throw ValidationError("\"\(text.prefix(40))\" is not a date (YYYY-MM-DD) or a UTC time (YYYY-MM-DDTHH:MM:SSZ)")
    }
}

/// The stable `--json` shapes of `audit log` and `audit for-case`.
enum AuditJSON {
    static func entry(_ e: LogEntry) -> JSONShape.LogEntry {
        JSONShape.LogEntry(index: e.index, time: e.time.rfc3339, actor: e.actor, action: e.action, case: e.caseID?.hex, fields: e.fields,
                           detail: Dictionary(e.detail.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }),
                           reasonRecorded: e.reasonCommitment != nil)
    }

    static func report(_ r: AccessReport) -> JSONShape.AccessReport {
        JSONShape.AccessReport(
            case: r.caseID.hex, centre: r.centre, generated: r.generated.rfc3339,
            events: r.events.map { e in
                JSONShape.Event(index: e.index, time: e.time.rfc3339, actor: e.actor, actorName: e.actorName, actorRoles: e.actorRoles.map(\.rawValue),
                                action: e.action, fields: e.fields, detail: e.detail)
            },
            disclosures: r.disclosures.map { d in
                JSONShape.Disclosure(index: d.index, time: d.time.rfc3339, by: d.by, recipient: d.recipient, recipientName: d.recipientName,
                                     recipientRole: d.recipientRole, basis: d.basis, bundle: d.bundle, approvedBy: d.approvedBy,
                                     consent: d.consent, purpose: d.purpose, fields: d.fields, confirmed: d.confirmed?.rfc3339)
            })
    }
}
