import AccessPolicy
import SodiumKit

/// A case's grants judged against its chain. A grant is *authentic* when its signature verifies
/// under the granter's roster key and its basis holds (for `holder`: the granter had an envelope
/// for the class, or an authentic grant of it); it is *usable* by a reader when, in addition, the
/// reader is entitled to the class now (the head's assignments and the current policy) — and the
/// unsealed key matches the class commitment, which only the reader can check (`Opener`).
package struct GrantLedger: Sendable {
    /// Authentic grants, in the order they were found to hold.
    private(set) var authentic: [CaseGrant] = []
    /// One line per grant refused as forged or tampered (never key material).
    private(set) var refused: [String] = []
    /// Members holding each granted class key: its envelopes, then authentic grants.
    private(set) var holders: [CaseVersion.KeyRef: Set<String>] = [:]
    /// Recipients of authentic grants only, by class: recipients in the sense of `Recipients`
    /// (member ids), unlike `holders`, whose role envelopes are expanded to the role's members.
    var grantees: [CaseVersion.KeyRef: Set<String>] {
        authentic.reduce(into: [:]) { $0[$1.key, default: []].insert($1.recipient) }
    }

    init(vaultID: VaultID, caseID: CaseID, roster: Roster, grants: [CaseGrant], unreadable: [String] = [], chain: [CaseVersion]) {
        refused = unreadable
        var candidates: [CaseGrant] = []
        for g in grants {
            guard g.key.generation >= 1, g.key.generation <= UInt64(chain.count),
                  let cls = chain[Int(g.key.generation - 1)].classes.first(where: { $0.index == g.key.index }) else {
                refused.append(Self.line(g, "names a key the case does not have")); continue
            }
            guard g.caseID == caseID else { refused.append(Self.line(g, "belongs to another case")); continue }
            guard let granter = roster.entry(g.granter), granter.kind == .member,
                  (try? granter.identity.signingKey.verify(g.signature, for: CaseGrant.signatureDomain + g.signedText(vaultID: vaultID, commitment: cls.commitment))) != nil
            else { refused.append(Self.line(g, "signature does not verify")); continue }
            // The one place each basis is decided; a basis this reader does not know is refused.
            switch GrantBasis(text: g.basis) {
            case .holder?:
                candidates.append(g)
                if holders[g.key] == nil { holders[g.key] = Self.envelopeHolders(cls, roster: roster) }
            case nil: refused.append(Self.line(g, "unknown basis \(g.basis)"))
            }
        }
        // Holding spreads from the envelopes along authentic grants, in whatever order the rows
        // came: a grant whose granter never comes to hold the key is refused.
        var progress = true
        while progress {
            progress = false
            candidates.removeAll { g in
                guard holders[g.key]?.contains(g.granter) == true else { return false }
                holders[g.key, default: []].insert(g.recipient)
                authentic.append(g)
                progress = true
                return true
            }
        }
        for g in candidates { refused.append(Self.line(g, "\(g.granter) did not hold the key")) }
    }

    /// Members with an envelope of `cls`: their own, or one labelled with a role key of a role they hold.
    private static func envelopeHolders(_ cls: CaseVersion.AccessClass, roster: Roster) -> Set<String> {
        var out = Set<String>()
        for e in cls.envelopes {
            if let (role, _) = RoleKeys.parseLabel(e.member) {
                out.formUnion(roster.members.filter { $0.roles.contains(role) }.map(\.id))
            } else { out.insert(e.member) }
        }
        return out
    }

    private static func line(_ g: CaseGrant, _ problem: String) -> String {
        "grant of key \(g.key.generation)/\(g.key.index) to \(g.recipient) by \(g.granter): \(problem)"
    }

    /// Whether `member` may hold class `ref` now: active on the roster and able, per `access`
    /// (the head's assignments), to read every path of the head that uses the key. A key no
    /// field of the head uses entitles nobody.
    static func entitled(_ member: RosterEntry, to ref: CaseVersion.KeyRef, head: CaseVersion, access: CaseAccess) -> Bool {
        guard member.kind == .member, !member.isRevoked else { return false }
        let paths = head.fields.filter { $0.key == ref }.map(\.path)
        return !paths.isEmpty && paths.allSatisfy { access.canRead(member, path: FieldCatalog.pattern(ofPath: $0) ?? $0) }
    }

    /// Whether some key of the head covers both paths `member` may read under `access` and paths
    /// they may not. Such a key cannot be granted (it would give too much): the assigner re-seals
    /// instead. (Classes group fields by reader set, so a new assignee's role can split one.)
    static func splitsAKey(for member: RosterEntry, head: CaseVersion, access: CaseAccess) -> Bool {
        var readable: [CaseVersion.KeyRef: (yes: Bool, no: Bool)] = [:]
        for f in head.fields {
            let can = access.canRead(member, path: FieldCatalog.pattern(ofPath: f.path) ?? f.path)
            var r = readable[f.key] ?? (false, false)
            if can { r.yes = true } else { r.no = true }
            readable[f.key] = r
        }
        return readable.values.contains { $0.yes && $0.no }
    }

    /// The sealed boxes of authentic grants to `reader` for keys they are entitled to now.
    func usableBoxes(for reader: RosterEntry, head: CaseVersion, access: CaseAccess) -> [CaseVersion.KeyRef: [UInt8]] {
        var boxes: [CaseVersion.KeyRef: [UInt8]] = [:]
        for g in authentic where g.recipient == reader.id && boxes[g.key] == nil {
            if Self.entitled(reader, to: g.key, head: head, access: access) { boxes[g.key] = g.sealedKey }
        }
        return boxes
    }

    /// The keys of the head `member` is entitled to but holds through neither an envelope nor
    /// an authentic grant: what a grant still has to give them.
    func missing(for member: RosterEntry, chain: [CaseVersion], access: CaseAccess) -> [CaseVersion.KeyRef] {
        guard let head = chain.last else { return [] }
        var out: [CaseVersion.KeyRef] = []
        for f in head.fields where !out.contains(f.key) {
            guard f.key.generation >= 1, f.key.generation <= UInt64(chain.count) else { continue }
            let cls = chain[Int(f.key.generation - 1)].classes.first { $0.index == f.key.index }
            if cls?.envelopes.contains(where: { $0.member == member.id }) == true { continue }
            if authentic.contains(where: { $0.key == f.key && $0.recipient == member.id }) { continue }
            if Self.entitled(member, to: f.key, head: head, access: access) { out.append(f.key) }
        }
        return out
    }

    /// Assigned members still waiting for keys, with how many classes each waits for.
    func pending(chain: [CaseVersion], roster: Roster, access: CaseAccess) -> [PendingGrant] {
        guard let head = chain.last else { return [] }
        var seen = Set<String>()
        var out: [PendingGrant] = []
        for a in head.assignments where seen.insert(a.member).inserted {
            guard let m = roster.entry(a.member) else { continue }
            let n = missing(for: m, chain: chain, access: access).count
            if n > 0 { out.append(PendingGrant(member: a.member, classes: n)) }
        }
        return out
    }
}

/// An assigned member some of whose keys in a case wait for a current reader's client.
public struct PendingGrant: Sendable, Equatable {
    public let member: String
    public let classes: Int
}
