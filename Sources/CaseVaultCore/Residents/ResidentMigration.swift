import AccessPolicy
import SodiumKit

/// Moving the residents of a format-1 vault off the roster, in one transaction with the centre
/// root key: each roster member in role `resident` becomes a binding (a fresh pseudonym, the
/// same keys) on the case they are assigned to, written and signed by the leader who runs it,
/// and a new roster without them is signed by the root. Meant as a step of the vault migration.
///
/// What stays: earlier rosters (signed as a whole) still hold the resident entries, and earlier
/// log entries and versions name the old id (SECURITY.md, "Residents").
package enum ResidentMigration {
    package struct Summary: Sendable, Equatable {
        /// Bindings made: one per resident's first assigned case.
        package var bound = 0
        /// Further assignments of a resident removed without a binding (a key binds one case).
        package var unassigned = 0
        /// Residents taken off the roster.
        package var removed = 0
        /// The new roster serial, or nil when there were no residents.
        package var rosterSerial: UInt64?
    }

    /// Runs the step as `leader`, whose session must hold the centre root key.
    package static func apply(_ leader: Session) throws(VaultError) -> Summary {
        try leader.loggingRefusal("vault.migrate") { () throws(VaultError) in try Step(session: leader).run() }
    }

    private struct Step: SessionBound {
        let session: Session

        func run() throws(VaultError) -> Summary {
            try requireStaff("migrate the vault")
            guard member.holds(.moveResidents) else { throw .denied("moving residents off the roster is the leader's, with the centre root key") }
            let root = try requireRoot(for: "moving residents off the roster")
            var summary = Summary()
            let signed: SignedRoster? = try vault.write { db in
                let state = try currentState(db)
                let residents = state.roster.entries.filter { $0.kind == .member && $0.roles.contains(.resident) }
                guard !residents.isEmpty else { return nil }
                let ids = Set(residents.map(\.id))
                var bound = Set<String>()
                for caseID in try db.caseIDs() {
                    let opened = try open(caseID, state: state, db: db)
                    let moving = opened.latest.assignments.filter { ids.contains($0.member) && $0.role == Role.resident.rawValue }
                    guard !moving.isEmpty else { continue }
                    var assignments = opened.latest.assignments.filter { !moving.contains($0) }
                    let next = opened.latest.version + 1
                    var binding: ResidentBinding?
                    if let first = moving.first(where: { !bound.contains($0.member) }), let entry = state.roster.entry(first.member) {
                        var pseudonym = ResidentBinding.newPseudonym()
                        while try db.residentBinding(pseudonym, vault: vault.vaultID) != nil { pseudonym = ResidentBinding.newPseudonym() }
                        let b = try ResidentBinding.signed(vaultID: vault.vaultID, caseID: caseID, pseudonym: pseudonym, identity: entry.identity,
                                                           binder: member.id, boundAt: next, key: identity.signer)
                        try db.insertResidentBinding(b)
                        assignments.append(CaseVersion.Assignment(member: pseudonym, role: Role.resident.rawValue))
                        bound.insert(first.member)
                        binding = b
                    }
                    let log = binding.map {
                        VersionLogEntry(action: .caseBindKey, detail: ["holder": $0.pseudonym, "key": Hex.encode($0.identity.signingKey.bytes)])
                    } ?? VersionLogEntry(action: .caseUnassign, detail: ["role": Role.resident.rawValue])
                    try writeVersion(db: db, state: state, opened: opened, written: [:], removed: [], assignments: assignments, binding: binding, log: log)
                    if binding != nil { summary.bound += 1 }
                    summary.unassigned += moving.count - (binding == nil ? 0 : 1)
                }
                var roster = state.roster
                roster.entries.removeAll { ids.contains($0.id) }
                roster.serial += 1
                roster.issued = max(clock.now(), roster.issued)
                let signed = try SignedRoster(roster: roster, signedBy: root)
                try db.insertRoster(serial: roster.serial, text: signed.fileText)
                try vault.appendLog(db, state: state, session: session, action: .residentsMoved, caseID: nil, fields: [],
                                    detail: ["roster-serial": String(roster.serial), "count": String(ids.count)], reason: nil)
                summary.removed = ids.count
                summary.rosterSerial = roster.serial
                return signed
            }
            if let signed { try vault.exportKeyring(signed) }
            return summary
        }
    }
}
