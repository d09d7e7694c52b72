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
        static let configuration = CommandConfiguration(abstract: "Write the log, checkpoint and roster history to a new folder for offline verification.")
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: "The folder to create (must not exist, or be empty).") var dir: String
        @OptionGroup var output: JSONFlag

        func run() throws {
            let v = try vault.open()
            let s = try identity.session(in: v, command: "audit.export").exportAudit(to: dir)
            if output.json {
                Output.json(["folder": s.folder, "entries": s.entries, "checkpoint_size": s.checkpointSize, "rosters": s.rosters,
                             "cosigned_checkpoints": s.cosignedCheckpoints, "root_fingerprint": v.rootFingerprint])
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
            discussion: "Needs no vault and no case key. Exit 0 when everything verifies, 77 when a check fails, 65 when the export is malformed; the error line names the first bad entry.")
        @Argument(help: "The export folder.") var dir: String
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
                    throw VaultError(.invalidInput, "--witness-key: \(error)")
                }
            }
            for path in witnessIdentity { options.witnessMemberKeys.append(try Self.publicSigningKey(path)) }
            if let since {
                guard let data = FileManager.default.contents(atPath: since) else { throw VaultError(.notFound, "cannot read \(since)") }
                options.since = [UInt8](data)
            }
            let report: AuditReport
            do { report = try AuditVerifier(folder: dir, options: options).verify() } catch { throw error.vaultError }
            if output.json {
                Output.json([
                    "verified": true, "vault": report.vaultID.hex, "origin": report.origin, "root_fingerprint": report.rootFingerprint,
                    "root_pinned": report.rootPinned, "rosters": report.rosterCount, "entries": report.entryCount,
                    "content_reads": report.contentReads, "checkpoint_size": report.checkpointSize,
                    "checkpoint_root": Base64.encode(report.checkpointRoot), "checkpoint_signers": report.checkpointSigners,
                    "cosignatures": report.cosignatures.map { ["witness": $0.witness, "size": $0.size, "timestamp": $0.timestamp] as [String: Any] },
                    "unauthenticated_attempts": report.unauthenticatedAttempts, "tail": [report.tail.lowerBound, report.tail.upperBound],
                    "consistent_since": report.consistentSince.map { $0 as Any } ?? NSNull(),
                ] as [String: Any])
            } else {
                report.summaryLines.forEach { print($0) }
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
            discussion: "The auditor runs this regularly and keeps the state file outside the vault: with it, cutting or rewriting the log is caught.")
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Option(help: "The witness state file (created on the first run, replaced atomically).") var state: String
        @OptionGroup var output: JSONFlag

        func run() throws {
            let v = try vault.open()
            let r = try identity.session(in: v, command: "audit.witness").witness(statePath: state)
            if output.json {
                Output.json(["size": r.checkpoint.size, "previous_size": r.previousSize.map { $0 as Any } ?? NSNull(),
                             "root": Base64.encode(r.checkpoint.rootHash), "witness_key": r.witness.vkey])
            } else {
                let from = r.previousSize.map { "extends size \($0)" } ?? "first run: this checkpoint is now pinned"
                print("Cosigned checkpoint size \(r.checkpoint.size), root \(Base64.encode(r.checkpoint.rootHash)) (\(from))")
                print("Witness key: \(r.witness.vkey)")
            }
        }
    }

    struct Prove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write an offline inclusion proof (C2SP tlog-proof) for one entry.")
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: "The entry's index.") var index: UInt64
        @Option(help: "Where to write the proof (never overwritten).") var out: String

        func run() throws {
            guard !FileManager.default.fileExists(atPath: out) else { throw VaultError(.refused, "\(out) already exists; refusing to overwrite it") }
            let v = try vault.open()
            let bytes = try identity.session(in: v, command: "audit.prove").prove(index: index)
            guard FileManager.default.createFile(atPath: out, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
                throw VaultError(.ioFailure, "cannot write \(out)")
            }
            print("Wrote the inclusion proof for entry \(index) to \(out)")
        }
    }

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Search the log: who did what to which case, and when.")
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Option(name: .customLong("case"), help: "Case id.") var caseID: String?
        @Option(help: "Member id of the actor.") var actor: String?
        @Option(help: "Action, e.g. case.read.") var action: String?
        @Option(help: "From this time: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC).") var since: String?
        @Option(help: "Up to this time, inclusive (a date means the whole day).") var until: String?
        @OptionGroup var output: JSONFlag

        func run() throws {
            let filter = AuditFilter(caseID: try caseID.map { try CaseID($0) }, actor: actor, action: action,
                                     since: try since.map { try AuditTime.parse($0, endOfDay: false) },
                                     until: try until.map { try AuditTime.parse($0, endOfDay: true) })
            let v = try vault.open()
            let entries = try identity.session(in: v, command: "audit.log").auditLog(filter: filter)
            if output.json {
                Output.json(entries.map(AuditJSON.entry))
                return
            }
            if entries.isEmpty { print("No matching entries.") }
            for e in entries {
                var line = "\(e.index)  \(e.time)  \(e.actor.padding(12)) \(e.action.padding(18)) \(e.caseID?.hex ?? "-")"
                if !e.fields.isEmpty { line += "  \(e.fields.count) field(s)" }
                if !e.detail.isEmpty { line += "  " + e.detail.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
                print(line)
            }
        }
    }

    struct ForCase: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "for-case", abstract: "The resident's access report: who accessed the case, and what was disclosed.")
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: "Case id.") var id: String
        @Flag(help: "Print the report as an HTML page (to print or save).") var html = false
        @OptionGroup var output: JSONFlag

        func run() throws {
            let caseID = try CaseID(id)
            let v = try vault.open()
            let report = try identity.session(in: v, command: "audit.for-case").residentAccessReport(caseID: caseID)
            if output.json { Output.json(AuditJSON.report(report)) } else { print(html ? report.html : report.text, terminator: "") }
        }
    }
}

/// `--since` / `--until`: a UTC date or an RFC 3339 UTC time.
enum AuditTime {
    static func parse(_ text: String, endOfDay: Bool) throws -> Timestamp {
        if let t = Timestamp(rfc3339: text) { return t }
        if let d = CalendarDate(text) { return Timestamp(seconds: d.startSeconds + (endOfDay ? 86_399 : 0)) }
        throw ValidationError("\"\(text.prefix(40))\" is not a date (YYYY-MM-DD) or a UTC time (YYYY-MM-DDTHH:MM:SSZ)")
    }
}

/// The stable `--json` shapes of `audit log` and `audit for-case`.
enum AuditJSON {
    static func entry(_ e: LogEntry) -> [String: Any] {
        ["index": e.index, "time": e.time.rfc3339, "actor": e.actor, "action": e.action, "case": e.caseID?.hex ?? NSNull(),
         "fields": e.fields, "detail": Dictionary(e.detail.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }),
         "reason_recorded": e.reasonCommitment != nil]
    }

    static func report(_ r: AccessReport) -> [String: Any] {
        [
            "case": r.caseID.hex, "centre": r.centre, "generated": r.generated.rfc3339,
            "events": r.events.map { e in
                ["index": e.index, "time": e.time.rfc3339, "actor": e.actor, "actor_name": e.actorName ?? NSNull(),
                 "actor_roles": e.actorRoles.map(\.rawValue), "action": e.action, "fields": e.fields, "detail": e.detail] as [String: Any]
            },
            "disclosures": r.disclosures.map { d in
                ["index": d.index, "time": d.time.rfc3339, "by": d.by, "recipient": d.recipient, "recipient_name": d.recipientName ?? NSNull(),
                 "recipient_role": d.recipientRole ?? NSNull(), "basis": d.basis ?? NSNull(), "bundle": d.bundle ?? NSNull(),
                 "approved_by": d.approvedBy ?? NSNull(), "consent": d.consent ?? NSNull(), "purpose": d.purpose ?? NSNull(), "fields": d.fields,
                 "confirmed": d.confirmed.map { $0.rfc3339 as Any } ?? NSNull()] as [String: Any]
            },
        ]
    }
}
