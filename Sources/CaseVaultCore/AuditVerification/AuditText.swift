import AccessPolicy
import SodiumKit

/// Human-readable forms of the audit results. Text only from ids, field paths and labels,
/// roster names and fixed words: nothing here can carry a field's value.
extension AuditReport {
    /// The `audit verify` summary, one fact per line.
    public var summaryLines: [String] {
        var lines = ["Vault \(vaultID.hex), log \(origin)"]
        lines.append("Centre root key fingerprint: \(rootFingerprint)"
            + (rootPinned ? " (matches the fingerprint you gave)" : " (trusted on first use: compare it with the fingerprint the centre published, and pin it next time)"))
        lines.append("Rosters: \(rosterCount), each signed by the centre root, serials 1–\(rosterCount)")
        let span = firstTime.flatMap { f in lastTime.map { " from \(f) to \($0)" } } ?? ""
        lines.append("Entries: \(entryCount)\(entryCount > 0 ? " (0–\(entryCount - 1))" : "")\(span); each signed by its actor, on the roster in force, in order")
        lines.append("Content reads (case.read): \(contentReads)")
        lines.append("Checkpoint: size \(checkpointSize), root \(Base64.encode(checkpointRoot)), signed by \(checkpointSigners.joined(separator: ", ")); root re-hashed from the entries")
        if cosignatures.isEmpty {
            lines.append("Cosignatures: none checked (name a witness with --witness-key)")
        } else {
            for c in cosignatures { lines.append("Cosignature: \(c.witness) on size \(c.size) at \(Timestamp(seconds: Int64(clamping: c.timestamp)))") }
        }
        lines.append("Unauthenticated attempts (keys not on the roster): \(unauthenticatedAttempts.count)"
            + (unauthenticatedAttempts.isEmpty ? "" : ", entries " + Self.list(unauthenticatedAttempts)))
        lines.append(tail.isEmpty ? "Uncheckpointed tail: none"
            : "Uncheckpointed tail: \(tail.count) entr\(tail.count == 1 ? "y" : "ies") (\(tail.lowerBound)–\(tail.upperBound - 1)), verified one by one, not yet under a signed root")
        lines.append(consistentSince.map { "Consistent with the earlier checkpoint of size \($0)" }
            ?? "No earlier checkpoint given (--since): a cut at the end of the log cannot be ruled out")
        lines += breakGlassLines
        return lines
    }

    private static func list(_ indices: [UInt64]) -> String {
        let shown = indices.prefix(20).map(String.init).joined(separator: ", ")
        return indices.count > 20 ? shown + ", … (\(indices.count - 20) more)" : shown
    }
}

extension AccessReport {
    /// What an action means, in Norwegian and English, for the resident.
    static func describe(_ action: String) -> String {
        switch LogAction(rawValue: action) {
        case .caseCreate: "opprettet saken / created the case"
        case .caseRead: "leste / read"
        case .caseReadRefused: "forsøkte å lese, avvist / tried to read, refused"
        case .caseUpdate: "endret / changed"
        case .caseHistory: "så versjonshistorikken / viewed the version history"
        case .caseAssign: "tildelte saken / assigned the case"
        case .caseUnassign: "fjernet en tildeling / removed an assignment"
        case .caseReseal: "låste saken på nytt for dagens lesere / re-sealed the case for its current readers"
        case .caseGrant: "ga nøkler til en ny tildelt / gave keys to a newly assigned member"
        case .handoverCreate: "utleverte opplysninger / disclosed information"
        case .handoverConfirm: "registrerte mottak / recorded a receipt"
        case .handoverRequest: "ba om godkjenning av en utlevering / asked for a disclosure's approval"
        case .handoverApprove: "godkjente en utlevering / approved a disclosure"
        case .handoverReject: "avslo en utlevering / rejected a disclosure"
        case .handoverAnswerImport: "la inn svar fra en mottaker / imported a recipient's answer"
        case .accessDenied: "avvist forsøk / refused attempt"
        case .auditLog: "søkte i tilgangsloggen / searched the access log"
        case .auditReport: "laget innsynsrapport / produced an access report"
        case .breakglassRequest: "ba om nødtilgang / asked for emergency access (break-glass)"
        case .breakglassApprove: "godkjente nødtilgang / approved emergency access"
        case .breakglassOpen: "nødtilgang åpnet / emergency access opened"
        case .breakglassRelease: "nøkler frigitt for nødtilgang / keys released for emergency access"
        case .breakglassReview: "gjennomgikk nødtilgang / reviewed emergency access"
        case .recoveryRequest: "ba om gjenoppretting / asked for recovery"
        case .recoveryApprove: "godkjente gjenoppretting / approved recovery"
        case .recoveryPeel: "bidro til gjenoppretting / took part in recovery"
        case .recoveryComplete: "gjenopprettet tilgang / recovered access"
        default: action
        }
    }

    static func who(_ id: String, _ name: String?, _ roles: [Role]) -> String {
        guard let name else { return id == LogEntry.unknownActor ? "ukjent nøkkel / unknown key" : id }
        return roles.isEmpty ? name : "\(name) (\(roles.map(\.label).joined(separator: ", ")))"
    }

    /// The report to hand to the resident.
    public var text: String {
        var out = ["Innsynsrapport / Access report", "\(centre)", "Sak / Case: \(caseID.hex)", "Laget / Produced: \(generated.osloText)"]
        for s in sections {
            out.append("")
            out.append(s.heading + ":")
            out += s.lines.isEmpty ? ["  (ingen / none)"] : s.lines.map { "  " + $0 }
        }
        out.append("")
        out.append("Rapporten viser hvem og hva, aldri innholdet i feltene. / The report shows who and what, never the fields' content.")
        return out.joined(separator: "\n") + "\n"
    }
}
