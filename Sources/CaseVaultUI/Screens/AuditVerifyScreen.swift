import CaseVaultCore
import Foundation
import Hummingbird
import SodiumKit

/// The data protection officer's check of the log, the same as `casevault audit verify`: the
/// log is exported to a private temporary folder and verified against the centre root this
/// member pinned. Only counts, hashes and ids are shown: the log holds no case content.
extension Screens {
    func auditVerification(run: Bool) throws -> Response {
        do {
            return try gate.withSession(command: "audit.export") { s in
                guard run else { return Reply.html(Page.render("Kontroll av loggen", "auditVerify", [:], viewer: viewer(s))) }
                return Reply.html(Page.render("Kontroll av loggen", "auditVerify", try verifyLog(s), viewer: viewer(s)))
            }
        } catch let e as VaultError { return failurePage(e, title: "Loggen ble ikke kontrollert") }
    }

    private func verifyLog(_ s: Session) throws -> [String: Any] {
        let scratch = FileManager.default.temporaryDirectory.path + "/casevault-kontroll-" + UIToken().revealedText.prefix(16)
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let export = try s.exportAudit(to: scratch + "/logg")
        let pinned = gate.pinnedRoot(s.vault)
        var data: [String: Any] = ["ran": true, "pinned": pinned != nil]
        let verified = Result { () throws(AuditFailure) -> AuditReport in
            try AuditVerifier(folder: export.folder, options: .init(rootFingerprint: pinned)).verify()
        }
        switch verified {
        case .success(let r):
            data.merge([
                "passed": true, "entries": r.entryCount, "contentReads": r.contentReads, "rosters": r.rosterCount,
                "checkpointSize": r.checkpointSize, "checkpointRoot": Base64.encode(r.checkpointRoot),
                "signers": r.checkpointSigners.joined(separator: ", "), "rootFingerprint": r.rootFingerprint,
                "span": r.firstTime.flatMap { f in r.lastTime.map { "\(f.osloText) – \($0.osloText)" } } ?? "–",
                "tail": r.tail.count, "unknownKeys": r.unauthenticatedAttempts.count,
                "breakGlassOpen": r.breakGlass.filter { !$0.isReviewed }.count,
            ]) { _, new in new }
        case .failure(let f):
            // The verifier's own line names the entry, roster or checkpoint at fault (ids only).
            data.merge(["passed": false, "subject": f.subject, "reason": f.reason, "lines": f.lines,
                        "entries": export.entries, "checkpointSize": export.checkpointSize]) { _, new in new }
        }
        return data
    }
}
