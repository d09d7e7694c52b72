import SodiumKit
import TransparencyLog

/// Which signed roster was in force at each point of the log, and the in-order checks that
/// depend on it. A roster change is logged in the same transaction that stores the new roster,
/// with detail `roster-serial`; that entry is still judged by the roster before it, and every
/// later entry by the new one. So the roster in force follows the log's own order, and a member
/// revoked in the same second as their last read is still judged by the roster they read under.
package struct RosterTimeline {
    let rosters: [Roster]
    private let byID: [[String: RosterEntry]]
    /// (first position it applies to, serial), in log order; serial 1 applies from entry 0.
    private(set) var changes: [(from: Int, serial: UInt64)] = [(0, 1)]

    package init(rosters: [Roster]) {
        self.rosters = rosters
        byID = rosters.map { Dictionary($0.entries.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }) }
    }

    struct Outcome {
        var failure: AuditFailure?
        var unauthenticated: [UInt64] = []
        var contentReads = 0
    }

    /// Checks entries 0..<limit in order: the first is the vault's creation announcing roster 1;
    /// times never decrease; each actor is a member of the roster in force, signed with that
    /// roster's key for them, and active at the entry's time; roster serials are announced one
    /// by one. Entries by `unknown` are refused attempts: signed by their own key (checked
    /// already) and reported, never trusted.
    mutating func check(_ facts: [EntryFacts], limit: Int) -> Outcome {
        var out = Outcome()
        var serial: UInt64 = 1
        var residents = ResidentSigners()
        for i in 0..<limit {
            let f = facts[i], position = UInt64(i)
            func fail(_ reason: String) -> Outcome { out.failure = .entry(position, reason); return out }
            if i == 0 {
                guard f.action == LogAction.vaultInit.rawValue, f.rosterSerial == 1 else {
                    return fail("is not the vault's first entry (vault.init announcing roster 1)")
                }
            } else if f.time < facts[i - 1].time {
                return fail("time \(Timestamp(seconds: f.time)) is earlier than entry \(i - 1)'s")
            }
            if f.actor == LogEntry.unknownActor {
                guard f.rosterSerial == nil else { return fail("an unauthenticated entry announces a roster change") }
                out.unauthenticated.append(position)
                continue
            }
            if ResidentBinding.isPseudonym(f.actor) {
                if let problem = residents.check(f) { return fail(problem) }
                if f.action == LogAction.caseRead.rawValue { out.contentReads += 1 }
                continue
            }
            guard let member = byID[Int(serial) - 1][f.actor] else { return fail("actor \(f.actor) is not on roster \(serial), in force at this entry") }
            guard member.kind == .member else { return fail("actor \(f.actor) is an external recipient, not a member") }
            guard member.identity.signingKey == f.signer else { return fail("is signed with a key that is not \(f.actor)'s key on roster \(serial)") }
            let time = Timestamp(seconds: f.time)
            guard member.isActive(at: time) else {
                let until = member.revoked.map { ", revoked \($0)" } ?? ""
                return fail("actor \(f.actor) was not active at \(time) (added \(member.added)\(until))")
            }
            if f.action == LogAction.caseRead.rawValue { out.contentReads += 1 }
            if let problem = residents.note(f) { return fail(problem) }
            if i > 0, let announced = f.rosterSerial {
                guard announced == serial + 1 else { return fail("announces roster \(announced) while roster \(serial) is in force") }
                guard announced <= UInt64(rosters.count) else { return fail("announces roster \(announced), which the export does not hold") }
                serial = announced
                changes.append((i + 1, serial))
            }
        }
        return out
    }

    /// The roster in force for the entry at `position`.
    func roster(at position: Int) -> (serial: UInt64, byID: [String: RosterEntry]) {
        let serial = changes.last { $0.from <= position }?.serial ?? 1
        return (serial, byID[Int(serial) - 1])
    }

    /// The serial in force after the last checked entry.
    var lastSerial: UInt64 { changes.last!.serial }

    /// Note verifiers for every member key on any roster, under the checkpoint key names.
    package func checkpointVerifiers(vaultID: VaultID) -> [(id: String, verifier: NoteVerifier)] {
        var seen = Set<String>()
        var out: [(String, NoteVerifier)] = []
        for roster in rosters {
            for e in roster.members {
                let name = LogNames.memberKeyName(vault: vaultID, member: e.id)
                guard seen.insert(name + Base64.encode(e.identity.signingKey.bytes)).inserted,
                      let v = try? NoteVerifier(name: name, publicKey: e.identity.signingKey) else { continue }
                out.append((e.id, v))
            }
        }
        return out
    }
}
