import AccessPolicy
@testable import CaseVaultCore

/// Draws the next command from those the model says someone may give now, so a sequence is a
/// centre's ordinary day (and its mishaps: revocations, a restore, a wrong clock), not noise.
struct StepGenerator {
    var random: SeededGenerator

    mutating func pick<T>(_ options: [T]) -> T? { options.isEmpty ? nil : options[Int(random.next() % UInt64(options.count))] }

    mutating func next(_ m: ModelState) -> Step {
        var candidates: [Step] = []
        let caseNumbers = Array(m.cases.indices)
        if m.cases.count < 3, let by = pick(m.active(in: .contactPerson)) { candidates += [.createCase(by: by), .createCase(by: by)] }
        for n in caseNumbers {
            let contacts = m.contactPersons(of: n)
            let childContacts = m.cases[n].filter { $0.value.contains(.childContact) && !m.revoked.contains($0.key) }.map(\.key).sorted()
            let writers = contacts + childContacts + m.nightShiftReaching
            if let by = pick(writers) { candidates.append(.note(by: by, caseNumber: n)) }
            if let a = pick(writers), let b = pick(writers.filter { $0 != a }) { candidates.append(.concurrentNotes(first: a, second: b, caseNumber: n)) }
            if let by = pick(contacts + m.active(in: .leader)) { candidates.append(.setStatus(by: by, caseNumber: n)) }
            let assigners = contacts + m.active(in: .leader)
            if let by = pick(assigners) {
                let unassigned = m.active.filter { id in
                    let role = m.roles[id]!
                    return (role == .childContact || role == .contactPerson) && m.cases[n][id]?.contains(role) != true
                }
                if let id = pick(unassigned) { candidates.append(.assign(by: by, member: id, role: m.roles[id]!, caseNumber: n)) }
                // Never the last contact person: someone must still be able to work on the case.
                let removable = m.cases[n].filter { id, roles in
                    !m.revoked.contains(id) && (roles.contains(.childContact) || (roles.contains(.contactPerson) && contacts.count > 1 && id != by))
                }.map(\.key).sorted()
                if let id = pick(removable) { candidates.append(.unassign(by: by, member: id, role: m.roles[id]!, caseNumber: n)) }
            }
            if let by = pick(contacts), let recipient = pick(ModelWorld.recipients.map(\.role)) {
                candidates.append(.handoverRoundTrip(by: by, recipient: recipient, caseNumber: n))
            }
            if let by = pick(contacts + m.nightShiftReaching + m.active(in: .leader) + childContacts) {
                candidates.append(.reseal(by: by, caseNumber: n))
            }
            if !m.residentsBound[n], let by = pick(contacts) { candidates.append(.bindResident(by: by, caseNumber: n)) }
            if let by = pick(m.nightShiftReaching) { candidates.append(.skewedNote(by: by, caseNumber: n)) }
        }
        if m.addedMembers < 3, let role = pick([Role.nightShift, .contactPerson, .childContact]) {
            candidates.append(.addMember(id: "ny\(m.addedMembers + 1)", role: role))
        }
        // kari, the leader and the auditor stay: the centre always has a contact person, a root holder and a DPO.
        // A centre hands a case to another contact person before revoking its only one: the keys
        // only she held would otherwise need recovery (`recoverLostKey`, once the recovery key is set up).
        let revocable = m.active.filter { id in
            !["kari", "lina", "anne"].contains(id) && !m.cases.indices.contains { m.contactPersons(of: $0) == [id] }
        }
        if let id = pick(revocable) { candidates.append(.revoke(id: id)) }
        candidates.append(.installPolicy)
        if !m.breakGlassReady { candidates.append(.breakGlassSetup) } else if let n = pick(caseNumbers) { candidates.append(.breakGlassOpen(caseNumber: n)) }
        candidates.append(m.hasBackup ? .restoreAndReanchor : .backup)
        if let id = pick(m.active) { candidates.append(.changePassphrase(member: id)) }
        if let rules = pick(PolicyRules.allCases.filter { $0 != m.policyRules }) { candidates.append(.installChangedPolicy(rules)) }
        if !m.recoveryReady { candidates.append(.recoverySetup) } else if let id = pick(m.mayLoseKey) {
            candidates.append(.recoverLostKey(member: id, newID: "ny\(m.addedMembers + 1)"))
        }
        return pick(candidates)!
    }
}
