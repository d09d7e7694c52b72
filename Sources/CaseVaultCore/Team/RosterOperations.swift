import AccessPolicy
import Foundation

/// Changes to the signed roster: members and recipients added or revoked. Each needs the
/// centre root key and writes a new roster serial, exported to Keys/keyring.txt.
struct RosterOperations: SessionBound {
    let session: Session

    /// Adds a member (staff, auditor or resident). Needs the centre root key.
    func addMember(id: String, name: String, roles: [Role], identity: PublicIdentity) throws(VaultError) -> Roster {
        guard !roles.isEmpty else { throw .input("a member needs at least one role") }
        // Residents are never named on the published roster (krisesenterlova § 5).
        guard !roles.contains(.resident) else {
            throw .input("residents are not roster members: bind their key to their case with `casevault case add-resident CASE --public-key … --fingerprint …`")
        }
        if let external = roles.first(where: \.isExternal) {
            throw .input("\(external.rawValue) is an external role: register it with `casevault recipient add`")
        }
        return try changeRoster(action: .memberAdd, detail: ["member": id]) { roster, now in
            try Self.requireNew(id: id, identity: identity, in: roster)
            try RosterEntry.validate(name: name)
            roster.entries.append(RosterEntry(kind: .member, id: id, name: name, roles: roles, identity: identity, added: now))
        }
    }

    /// Registers a police district, housing office or NAV office. Needs the centre root key.
    func addRecipient(id: String, name: String, role: Role, identity: PublicIdentity) throws(VaultError) -> Roster {
        guard role.isExternal else { throw .input("a recipient's role must be police, housing-office or nav") }
        return try changeRoster(action: .recipientAdd, detail: ["recipient": id]) { roster, now in
            try Self.requireNew(id: id, identity: identity, in: roster)
            try RosterEntry.validate(name: name)
            roster.entries.append(RosterEntry(kind: .recipient, id: id, name: name, roles: [role], identity: identity, added: now))
        }
    }

    /// Marks a member or recipient revoked: from now on never a recipient of keys nor accepted
    /// as an author. What they could already open stays opened; the next update of each case
    /// re-seals its fields without them.
    func revoke(id: String, kind: RosterEntry.Kind) throws(VaultError) -> Roster {
        try changeRoster(action: kind == .member ? .memberRevoke : .recipientRemove, detail: [kind == .member ? "member" : "recipient": id]) { roster, now in
            guard let i = roster.entries.firstIndex(where: { $0.id == id && $0.kind == kind }) else {
                throw VaultError.notFound("no \(kind.rawValue) \(id) on the roster")
            }
            guard roster.entries[i].revoked == nil else { throw VaultError.input("\(id) is already revoked") }
            if kind == .member, roster.entries[i].roles.contains(.leader),
               roster.entries.filter({ $0.kind == .member && $0.revoked == nil && $0.roles.contains(.leader) }).count == 1 {
                throw VaultError.refused("\(id) is the last active leader; add another leader first")
            }
            roster.entries[i].revoked = now
        }
    }

    private static func requireNew(id: String, identity: PublicIdentity, in roster: Roster) throws(VaultError) {
        try RosterEntry.validate(id: id)
        guard !ResidentBinding.isPseudonym(id) else { throw .input("ids of the form p-<16 hex> are kept for resident pseudonyms") }
        guard roster.entry(id) == nil else { throw .input("\(id) is already on the roster (ids are never reused)") }
        guard roster.entry(for: identity) == nil else { throw .input("this key is already on the roster") }
    }

    private func changeRoster(action: LogAction, detail: [String: String], _ change: (inout Roster, Timestamp) throws -> Void) throws(VaultError) -> Roster {
        let root = try requireRoot(for: action.rawValue)
        let signed: SignedRoster = try vault.write { db in
            let state = try currentState(db)
            var roster = state.roster
            let now = clock.now()
            try change(&roster, now)
            roster.serial += 1
            roster.centre = roster.centre ?? vault.centreName  // an older vault's next roster gains the signed centre name
            roster.issued = max(now, roster.issued)
            let signed = try SignedRoster(roster: roster, signedBy: root)
            try db.insertRoster(serial: roster.serial, text: signed.fileText)
            var d = detail
            d["roster-serial"] = String(roster.serial)
            try vault.appendLog(db, state: state, session: session, action: action, caseID: nil, fields: [], detail: d, reason: nil)
            try vault.ensureRoleKeys(db, actor: member.id, signer: identity.signer, root: root)
            return signed
        }
        try vault.exportKeyring(signed)
        return signed.roster
    }
}
