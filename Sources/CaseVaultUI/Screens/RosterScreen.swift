import CaseVaultCore
import Hummingbird

/// The leader's read-only view of the signed roster, as `casevault member list` and `recipient
/// list` read it (a logged listing): staff with their roles, and the recipients handovers can go
/// to. Ids, names, roles and dates only. Residents' logins are left out: a resident's place on
/// the roster would tell the browser that a person has been in contact with the centre.
extension Screens {
    func roster() throws -> Response {
        do {
            return try gate.withSession(command: "member.list") { s in
                guard s.member.roles.contains(.leader) else { throw VaultError(.accessDenied, "only a leader sees the roster here") }
                let entries = try s.listMembers().entries
                func rows(_ wanted: (RosterEntry) -> Bool) -> [[String: Any]] {
                    entries.filter(wanted).sorted { $0.id < $1.id }.map { e in
                        ["id": e.id, "name": e.name, "roles": e.roles.map(\.label).joined(separator: ", "),
                         "status": e.revoked.map { "tilbakekalt \($0.osloText)" } ?? "aktiv", "revoked": e.isRevoked, "since": e.added.osloText]
                    }
                }
                let members = rows { $0.kind == .member && !$0.roles.contains(.resident) }
                let recipients = rows { $0.kind == .recipient }
                let data: [String: Any] = ["members": members, "hasMembers": !members.isEmpty,
                                           "recipients": recipients, "hasRecipients": !recipients.isEmpty]
                return Reply.html(Page.render("Medlemmer og mottakere", "roster", data, viewer: viewer(s)))
            }
        } catch let e as VaultError { return failurePage(e, title: "Kan ikke vise medlemmene") }
    }
}
