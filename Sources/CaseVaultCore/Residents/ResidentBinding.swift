import AccessPolicy
import SodiumKit

/// A resident's public identity bound to their case under a random pseudonym `p-<16 hex>`
/// (docs/FORMAT.md, "Resident bindings"). Residents are not on the roster: the binding, signed
/// by the contact person who made it, is the only place their key is named, and the case's
/// assignments name only the pseudonym. Their name, if recorded, lives in the sealed record.
package struct ResidentBinding: Sendable, Equatable {
    static let magic: [UInt8] = Array("CVRB".utf8) + [0x01]
    static let signatureDomain = Array("casevault/v1/resident-binding\0".utf8)

    package let vaultID: VaultID
    package let caseID: CaseID
    package let pseudonym: String
    package let identity: PublicIdentity
    /// The member id of the contact person who bound the key.
    package let binder: String
    /// The case version the binder wrote to assign the pseudonym (its author must be the binder).
    package let boundAt: UInt64
    package var signature: [UInt8] = []
    /// The version that removed the assignment again; nil while bound. Not signed: the removal's
    /// authority is that signed version itself.
    package var unboundAt: UInt64?

    /// The signed bytes: magic, vault, case, pseudonym, both public keys, binder, version.
    var message: [UInt8] {
        var w = ByteWriter()
        w.raw(Self.magic)
        w.raw(vaultID.bytes)
        w.raw(caseID.bytes)
        w.string(pseudonym)
        w.raw(identity.boxKey.bytes)
        w.raw(identity.signingKey.bytes)
        w.string(binder)
        w.u64(boundAt)
        return Self.signatureDomain + w.bytes
    }

    static func signed(vaultID: VaultID, caseID: CaseID, pseudonym: String, identity: PublicIdentity, binder: String, boundAt: UInt64,
                       key: any MessageSigner) throws -> ResidentBinding {
        var b = ResidentBinding(vaultID: vaultID, caseID: caseID, pseudonym: pseudonym, identity: identity, binder: binder, boundAt: boundAt)
        b.signature = try key.signature(for: b.message)
        return b
    }

    /// The binding's signature under the binder's key on `roster`; nothing about the case yet.
    func verifySignature(vault: VaultID, roster: Roster) throws(VaultError) {
        guard vaultID == vault, Self.isPseudonym(pseudonym), let binder = roster.entry(binder), binder.kind == .member else {
            throw .auth("the resident key binding \(pseudonym.prefix(18)) is not made by a member of this vault (forged)")
        }
        do { try binder.identity.signingKey.verify(signature, for: message) } catch {
            throw .auth("the resident key binding \(pseudonym) does not carry \(binder.id)'s signature (forged)")
        }
    }

    /// Full check against the case's verified chain: signed by the author of version `boundAt`,
    /// who was then an assigned contact person (or a leader: the migration of a format-1 vault's
    /// residents) and who added exactly this pseudonym as resident.
    func verify(vault: VaultID, roster: Roster, chain: [CaseVersion]) throws(VaultError) {
        try verifySignature(vault: vault, roster: roster)
        let label = "the resident key binding \(pseudonym) of case \(caseID)"
        guard boundAt >= 2, boundAt <= UInt64(chain.count) else { throw .auth("\(label) names a version the case does not have (forged)") }
        let version = chain[Int(boundAt - 1)], before = chain[Int(boundAt - 2)]
        let assignment = CaseVersion.Assignment(member: pseudonym, role: Role.resident.rawValue)
        let contactPerson = before.assignments.contains { $0.member == binder && Role(rawValue: $0.role).map(ProceduralRight.bindResident.onTheirCases.contains) == true }
        let leader = roster.entry(binder)?.holds(.moveResidents) == true
        guard version.caseID == caseID, version.author == binder, version.assignments.contains(assignment), !before.assignments.contains(assignment),
              contactPerson || leader
        else { throw .auth("\(label) is not backed by a version in which a contact person of the case assigned it (forged)") }
    }

    /// The roster-shaped stand-in the access rules see: a member in role `resident` only, on no roster.
    var entry: RosterEntry {
        RosterEntry(kind: .member, id: pseudonym, name: pseudonym, roles: [.resident], identity: identity, added: Timestamp(seconds: 0))
    }

    /// A fresh random pseudonym: `p-` and 16 lower-case hex digits (64 random bits).
    static func newPseudonym() -> String { "p-" + Hex.encode(Random.bytes(8)) }

    package static func isPseudonym(_ s: String) -> Bool {
        s.utf8.count == 18 && s.hasPrefix("p-") && s.utf8.dropFirst(2).allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

extension Roster {
    /// This roster as the access rules of one case see it: with the case's bound residents.
    func withResidents(_ residents: [RosterEntry]) -> Roster {
        guard !residents.isEmpty else { return self }
        var r = self
        r.entries += residents.filter { e in !entries.contains { $0.id == e.id } }
        return r
    }
}
