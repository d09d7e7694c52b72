import AccessPolicy
@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import Foundation
import SodiumKit
import XCTest

/// SplitMix64: a seeded generator, so a failing sequence is replayed from its seed alone.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One command of a sequence, as a person at the centre (or a recipient) would give it. Cases
/// are named by the order they were created in, so a shrunk sequence still means something.
enum Step: Equatable, CustomStringConvertible {
    case createCase(by: String)
    case note(by: String, caseNumber: Int)
    case setStatus(by: String, caseNumber: Int)
    case assign(by: String, member: String, role: Role, caseNumber: Int)
    case unassign(by: String, member: String, role: Role, caseNumber: Int)
    /// Bundle created by the sender (approved by the leader), opened and answered by the recipient
    /// (the police, NAV or the housing office), the answer imported by the sender; the
    /// recipient's receipt confirmed by the sender.
    case handoverRoundTrip(by: String, recipient: Role, caseNumber: Int)
    case addMember(id: String, role: Role)
    case revoke(id: String)
    case installPolicy
    case reseal(by: String, caseNumber: Int)
    case bindResident(by: String, caseNumber: Int)
    case skewedNote(by: String, caseNumber: Int)
    case backup
    case restoreAndReanchor
    case breakGlassSetup
    /// The leader alone (root key and a reason) opens the do-not-admit list of a case.
    case breakGlassOpen(caseNumber: Int)
    /// Two workstations, each with its own handle on the vault file, open their sessions and read
    /// the case from the same head; then each adds a note, `first` before `second`.
    case concurrentNotes(first: String, second: String, caseNumber: Int)
    /// `identity passwd` on the member's key file; their client unlocks it with the new passphrase from then on.
    case changePassphrase(member: String)
    /// A policy whose field rules differ from those in force, at the next serial.
    case installChangedPolicy(PolicyRules)
    /// The leader sets up the recovery key: two of the trustees recover.
    case recoverySetup
    /// A contact person lost their key: the leader revokes it, adds them again under `newID`,
    /// assigns the new id where the old one was, and two trustees recover each of those cases.
    case recoverLostKey(member: String, newID: String)

    var description: String {
        switch self {
        case let .createCase(by): "\(by): case new"
        case let .note(by, n): "\(by): note in case #\(n + 1)"
        case let .setStatus(by, n): "\(by): case.status in case #\(n + 1)"
        case let .assign(by, m, r, n): "\(by): assign \(m) as \(r.rawValue) in case #\(n + 1)"
        case let .unassign(by, m, r, n): "\(by): unassign \(m) as \(r.rawValue) in case #\(n + 1)"
        case let .handoverRoundTrip(by, r, n): "\(by): \(r.rawValue) handover, answer and receipt for case #\(n + 1)"
        case let .addMember(id, r): "lina: member add \(id) as \(r.rawValue)"
        case let .revoke(id): "lina: member revoke \(id)"
        case .installPolicy: "lina: policy install (next serial)"
        case let .reseal(by, n): "\(by): case reseal #\(n + 1)"
        case let .bindResident(by, n): "\(by): bind a resident's key to case #\(n + 1)"
        case let .skewedNote(by, n): "\(by) (clock 30 years ahead): note in case #\(n + 1)"
        case .backup: "backup of the vault"
        case .restoreAndReanchor: "restore the backup; lina: vault reanchor"
        case .breakGlassSetup: "lina: breakglass setup"
        case let .breakGlassOpen(n): "lina: breakglass open case #\(n + 1) (alone)"
        case let .concurrentNotes(a, b, n): "\(a) and \(b) on two workstations: notes in case #\(n + 1) from the same head"
        case let .changePassphrase(id): "\(id): identity passwd"
        case let .installChangedPolicy(rules): "lina: policy install (\(rules), next serial)"
        case .recoverySetup: "lina: recovery setup --trustees \(ModelState.trustees.joined(separator: ",")) --threshold 2"
        case let .recoverLostKey(id, newID): "\(id) lost their key: lina revokes it, adds \(newID), assigns and recovers their cases"
        }
    }
}

/// What the test believes the vault holds, kept apart from the code under test: who is on the
/// roster in which role, who is assigned to which case, and whether a backup exists.
struct ModelState {
    var roles: [String: Role] = ["lina": .leader, "kari": .contactPerson, "karl": .contactPerson, "cecilie": .childContact,
                                 "nils": .nightShift, "anne": .auditor]
    var revoked: Set<String> = []
    /// Per case (in creation order): member → case-scoped roles.
    var cases: [[String: Set<Role>]] = []
    var residentsBound: [Bool] = []
    var addedMembers = 0
    var policySerial = 1
    var policyRules = PolicyRules.standard
    var recoveryReady = false
    /// Per case: created after the recovery setup, so every field has a recovery envelope.
    var escrowed: [Bool] = []
    var hasBackup = false
    var breakGlassReady = false
    /// The state the backup holds (at most one element): a restore brings it back.
    var saved: [ModelState] = []

    var active: [String] { roles.keys.filter { !revoked.contains($0) }.sorted() }
    func active(in role: Role) -> [String] { active.filter { roles[$0] == role } }
    /// The night shift while it reaches every case (never assigned, it reaches none otherwise).
    var nightShiftReaching: [String] { policyRules.nightShiftReachesCases ? active(in: .nightShift) : [] }

    /// Active members who are the contact person of case `n`.
    func contactPersons(of n: Int) -> [String] {
        cases[n].filter { $0.value.contains(.contactPerson) && !revoked.contains($0.key) }.map(\.key).sorted()
    }

    /// Whether `id` (active) may add a note to case `n`: the night shift while it reaches every case, or someone assigned.
    func mayAddNote(_ id: String, _ n: Int) -> Bool {
        roles[id] != nil && !revoked.contains(id) && n < cases.count && (nightShiftReaching.contains(id) || cases[n][id]?.isEmpty == false)
    }

    /// The recovery trustees; none of them is ever revoked. The last of a request's two (lina)
    /// holds the centre root, so completing a recovery also rotates the recovery key.
    static let trustees = ["anne", "kari", "lina"]

    /// Active contact persons who may lose their key: not trustees, and only in cases that can be recovered.
    var mayLoseKey: [String] {
        active(in: .contactPerson).filter { id in
            !Self.trustees.contains(id) && cases.indices.allSatisfy { cases[$0][id] == nil || escrowed[$0] }
        }
    }

    func expectedAccess(policy: Policy, case n: Int) -> ExpectedAccess {
        var roster: [String: [Role]] = [:]
        for id in active { roster[id] = [roles[id]!] }
        return ExpectedAccess(policy: policy, roster: roster, assigned: cases[n].filter { !revoked.contains($0.key) })
    }
}
