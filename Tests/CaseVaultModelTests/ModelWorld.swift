import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import GRDB
import SodiumKit

/// A disagreement between a seat and the model, or a command the model allowed that the vault refused.
struct ModelFailure: Error, CustomStringConvertible {
    let step: Int
    let message: String
    var description: String { "after step \(step + 1): \(message)" }
}

/// A clock a fixed number of seconds off the vault's: a workstation whose clock is wrong.
final class SkewedClock: VaultClock, @unchecked Sendable {
    let base: any VaultClock
    let seconds: Int64
    init(base: any VaultClock, seconds: Int64) {
        self.base = base
        self.seconds = seconds
    }
    func now() -> Timestamp { Timestamp(seconds: base.now().seconds + seconds) }
}

/// One vault, every member's client with its saved state (each on its own machine folder), the
/// police, NAV and the housing office with their own keys, and the model; `apply` gives a command through the member's client
/// as the CLI would, `checkEverySeat` looks at the vault from each seat.
final class ModelWorld {
    /// Each recipient, the consent reference prefix its handovers cite, and the answer it sends.
    static let recipients: [(id: String, role: Role, consent: String, answer: String)] = [
        ("politi", .police, "SAM", """
            kind: assessment
            summary: Politiet vurderer risikoen som høy.
            assessment_tool: SARA:SV
            assessment_level: high
            assessment_date: 2026-11-30
            """),
        ("nav-oslo", .nav, "SAMN", """
            kind: housing-offer
            summary: NAV kan hjelpe med depositum.
            offer_area: Bydel Nord
            """),
        ("bolig-oslo", .housingOffice, "SAMB", """
            kind: housing-offer
            summary: Kommunal leilighet ledig.
            offer_area: Bydel Øst
            offer_respond_by: 2026-12-20
            """),
    ]

    let t: TestVault
    var model = ModelState()
    var caseIDs: [CaseID] = []
    var clients: [String: TrustClient] = [:]
    private var backup: (db: DatabaseQueue, cases: [CaseID])?
    var memberCounter = 0
    private var freshCounter = 0
    private var parsedPolicies: [String: Policy] = [:]
    private var noteCounter = 0
    var passphraseCounter = 0
    /// Members whose key file is real (after their first passphrase change): its passphrase now.
    var passphrases: [String: String] = [:]

    init() throws {
        t = try TestVault()
        t.clock.freeze()
        for r in Self.recipients { _ = try t.addRecipient(r.id, role: r.role) }
        for id in model.roles.keys { clients[id] = try client(id) }
    }

    func client(_ id: String, machine: String = "own") throws -> TrustClient {
        let c = try TrustClient(t, id, machine: machine + "-" + id)
        c.clock = t.clock
        return c
    }

    @discardableResult
    func run<T>(_ id: String, _ body: (Session) throws -> T) throws -> T {
        guard let c = clients[id] else { throw VaultError.notFound("no client for \(id)") }
        return try c.run(nil, reanchoring: false, body)
    }

    static func record(_ n: Int) -> String {
        """
        case: {type: resident, phase: 1, status: open, opened: 2026-11-20}
        person: {alias: Alias\(n), gender: female, birth_date: 1985-05-15}
        safety: {do_not_admit: [Mann 40 år], alarm_active: true, night_instructions: Ring 112}
        children: [{alias: Barn\(n)}]
        housing: {acceptable_areas: [Bydel Øst]}
        consents:
          - {purpose: Sikkerhetstiltak, recipient_role: police, reference: SAM-\(n), written: true, given_on: 2026-11-20}
          - {purpose: Bolig og økonomi, recipient_role: nav, reference: SAMN-\(n), written: true, given_on: 2026-11-20}
          - {purpose: Ny bolig, recipient_role: housing-office, reference: SAMB-\(n), written: true, given_on: 2026-11-20}
        """
    }

    func apply(_ step: Step) throws {
        t.clock.advance(seconds: 60)
        switch step {
        case let .createCase(by):
            caseIDs.append(try run(by) { try $0.createCase(recordText: Self.record(caseIDs.count + 1)) })
        case let .note(by, n):
            try run(by) { try $0.updateCase(caseIDs[n], patchText: nextNote()) }
        case let .concurrentNotes(a, b, n):
            try concurrentNotes([a, b], caseNumber: n)
        case let .setStatus(by, n):
            try run(by) { try $0.updateCase(caseIDs[n], patchText: "set:\n  case.status: open\n") }
        case let .assign(by, member, role, n):
            try run(by) { try $0.assign(caseIDs[n], memberID: member, role: role) }
        case let .unassign(by, member, role, n):
            try run(by) { try $0.assign(caseIDs[n], memberID: member, role: role, remove: true) }
        case let .handoverRoundTrip(by, role, n):
            try handoverRoundTrip(by: by, to: role, caseID: caseIDs[n], caseNumber: n + 1)
        case let .addMember(id, role):
            let identity = try SecretIdentity.generate()
            _ = try run("lina") { try $0.addMember(id: id, name: id, roles: [role], identity: identity.publicIdentity) }
            t.remember(id, identity)
            memberCounter += 1
            clients[id] = try client(id, machine: "own\(memberCounter)")
        case let .revoke(id):
            _ = try run("lina") { try $0.revoke(id: id, kind: .member) }
        case .installPolicy:
            let bytes = model.policyRules.bytes(serial: model.policySerial + 1)
            _ = try run("lina") { try $0.installPolicy(bytes: bytes) }
        case let .installChangedPolicy(rules):
            let bytes = rules.bytes(serial: model.policySerial + 1)
            _ = try run("lina") { try $0.installPolicy(bytes: bytes) }
        case let .changePassphrase(id):
            try changePassphrase(id)
        case .recoverySetup:
            _ = try run("lina") { try $0.setUpRecovery(trustees: ModelState.trustees, threshold: 2) }
        case let .recoverLostKey(id, newID):
            try recoverLostKey(id, as: newID)
        case let .reseal(by, n):
            _ = try run(by) { try $0.reseal(caseIDs[n]) }
        case let .bindResident(by, n):
            _ = try run(by) { try $0.addResident(caseIDs[n], identity: try SecretIdentity.generate().publicIdentity) }
        case let .skewedNote(by, n):
            // The whole workstation is 30 years ahead: its vault handle and its session.
            let skew = SkewedClock(base: t.clock, seconds: 30 * 365 * 86_400)
            let vault = try Vault.open(at: t.directory, clock: skew)
            let c = clients[by]!
            c.clock = skew
            defer { c.clock = t.clock }
            noteCounter += 1
            try c.run(vault) { try $0.updateCase(caseIDs[n], patchText: "add:\n  notes: {date: 2026-12-07, text: \"Skrevet med feil klokke (\(noteCounter))\"}\n") }
        case .breakGlassSetup:
            _ = try run("lina") { try $0.setUpBreakGlass() }
        case let .breakGlassOpen(n):
            let fields = ["safety.do_not_admit"]
            let shown = try run("lina") { s in
                let id = try s.requestBreakGlass(caseIDs[n], fields: fields, minutes: 30, reasonCode: "life-danger", reason: "Trussel mot senteret",
                                                 mode: .alone)
                return try s.showBreakGlass(id).opened.fields.keys.sorted()
            }
            guard shown == fields else { throw ModelFailure(step: -1, message: "break-glass showed \(shown), not \(fields)") }
        case .backup:
            backup = (try t.backup(), caseIDs)
        case .restoreAndReanchor:
            guard let b = backup else { return }
            try t.restore(b.db)
            caseIDs = b.cases
            try clients["lina"]!.run(reanchoring: true) { try $0.reanchor() }
        }
        model = ModelRunner.predict(step, model)
    }

    private func handoverRoundTrip(by: String, to role: Role, caseID: CaseID, caseNumber: Int) throws {
        guard let r = Self.recipients.first(where: { $0.role == role }) else { throw ModelFailure(step: -1, message: "no recipient of role \(role)") }
        let request = HandoverRequest(caseID: caseID, recipientID: r.id, purpose: "Sikkerhetstiltak ved ny bolig", basis: .consent,
                                      consentReference: "\(r.consent)-\(caseNumber)", expires: nil, includeAddress: false)
        let sent = try run(by) { try $0.createHandover(request, approver: t.identity("lina")) }
        let recipient = t.identity(r.id)
        let bundle = try HandoverBundle.open(sent.bytes, identity: recipient, trustedRoot: t.vault.rootFingerprint, now: t.clock.now())
        let answer = try HandoverAnswer.make(answering: bundle, answerText: r.answer, identity: recipient).bytes
        _ = try run(by) { try $0.importAnswer(answer) }
        let receipt = HandoverReceipt(for: bundle, identity: recipient, received: t.clock.now())
        _ = try run(by) { try $0.confirmReceipt(receipt.text) }
    }

    func nextNote() -> String {
        noteCounter += 1
        return "add:\n  notes: {date: 2026-12-07, text: \"Ringte kl. 02:10: urolig (\(noteCounter))\"}\n"
    }

    // MARK: - Every seat

    /// Each active member's own client, one client with no saved state, and the auditor's offline
    /// verification with the pinned root; a revoked member's client is refused.
    func checkEverySeat(after step: Step? = nil, auditEveryStep: Bool = true) throws {
        // The model's own policy, not the vault's: the vault must hold exactly what was installed.
        let policy = try modelPolicy()
        guard try t.vault.policy().sourceBytes == policy.sourceBytes else {
            throw failure("the vault's policy in force is not the one the model installed (\(model.policyRules), serial \(model.policySerial))")
        }
        // An assignment by someone who does not hold every key the new member needs leaves a
        // pending grant, which the next command of a key holder's client completes: every
        // client runs once before the seats are compared with the model.
        switch step {
        case .assign, .recoverLostKey:
            for id in model.active { _ = try? clients[id]!.run(nil, reanchoring: false) { try $0.listCases() } }
        default: break
        }
        // Key holders first: an assignment by someone who does not hold every key the new member
        // needs leaves a pending grant, which the next command of a holder's client completes.
        let holdersFirst = model.roles.keys.sorted { a, b in
            (Self.holderRank(model.roles[a]!), a) < (Self.holderRank(model.roles[b]!), b)
        }
        for id in holdersFirst {
            if model.revoked.contains(id) {
                if (try? run(id) { try $0.listCases() }) != nil { throw failure("\(id) is revoked, yet their client listed cases") }
                continue
            }
            try check(id, clients[id]!, policy: policy)
        }
        freshCounter += 1
        let active = model.active
        let freshID = active[freshCounter % active.count]
        try check(freshID, try client(freshID, machine: "fresh\(freshCounter)"), policy: policy, label: "a fresh client of \(freshID)")
        if auditEveryStep { try verifyAudit() }
    }

    /// The policy the model installed, parsed once per rules and serial.
    private func modelPolicy() throws -> Policy {
        let key = "\(model.policyRules) \(model.policySerial)"
        if let parsed = parsedPolicies[key] { return parsed }
        let policy = try Policy(bytes: model.policyRules.bytes(serial: model.policySerial))
        parsedPolicies[key] = policy
        return policy
    }

    private static func holderRank(_ role: Role) -> Int {
        switch role {
        case .contactPerson: 0
        case .nightShift: 1
        default: 2
        }
    }

    /// One command's worth of reading, as the seat's client does it: the list, then every case
    /// the model says the seat reaches, inside one session of its client.
    private func check(_ id: String, _ c: TrustClient, policy: Policy, label: String? = nil) throws {
        let seat = label ?? "\(id)'s client"
        let raw = try t.raw()
        let problem: String? = try c.run { session in
            let listed: [CaseSummary]
            do { listed = try session.listCases() } catch { return "case list failed: \(error)" }
            for s in listed where s.problem != nil { return "case list marks \(s.caseID) as failing: \(s.problem!)" }
            let listedIDs = Set(listed.map(\.caseID))
            for (n, caseID) in caseIDs.enumerated() {
                let expected = model.expectedAccess(policy: policy, case: n)
                guard expected.reaches(id) else {
                    if listedIDs.contains(caseID) { return "lists case #\(n + 1), which the model says they do not reach" }
                    continue
                }
                guard listedIDs.contains(caseID) else { return "does not list case #\(n + 1)" }
                let opened: OpenedCase
                do { opened = try session.showCase(caseID) } catch { return "case show #\(n + 1) failed: \(error)" }
                let want = expected.readable(by: id, among: try raw.latest(caseID).fields.map(\.path))
                let got = Set(opened.fields.keys)
                if got != want {
                    return "reads case #\(n + 1) with \(got.subtracting(want).sorted()) beyond the policy and without \(want.subtracting(got).sorted())"
                }
            }
            return nil
        }
        if let problem { throw failure("\(seat): \(problem)") }
    }

    func verifyAudit() throws {
        let dir = t.directory + "/export-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            _ = try clients["anne"]!.run { try $0.exportAudit(to: dir) }
            _ = try AuditVerifier(folder: dir, options: .init(rootFingerprint: t.vault.rootFingerprint)).verify()
        } catch { throw failure("the auditor's export does not verify with the pinned root: \(error)") }
    }

    private func failure(_ message: String) -> ModelFailure { ModelFailure(step: -1, message: message) }
}
