import SodiumKit

/// One class key of a case sealed to one more recipient by someone who held it, so an
/// assignment takes effect without re-encrypting any field (docs/FORMAT.md, "Grants").
/// The row is public: a sealed box and the granter's signature over its signed text.
package struct CaseGrant: Sendable, Equatable {
    static let formatVersion = 1
    static let magic = Array("CVGR\u{1}".utf8)
    static let signatureDomain = Array("casevault/v1/grant\0".utf8)

    package var caseID: CaseID
    /// The class key granted: version `generation`, access class `index`.
    package var key: CaseVersion.KeyRef
    package var recipient: String
    package var sealedKey: [UInt8]
    package var granter: String
    /// Why the granter may hand the key on (`GrantBasis`); kept as text so an unknown basis is
    /// read, judged and refused rather than failing the whole case.
    package var basis: String
    /// The granter's clock; not signed, and no reader decision depends on it.
    package var created: Timestamp
    package var signature: [UInt8]

    /// The bytes the granter signs, bound to the vault, the case and the class's commitment, so a
    /// grant cannot be moved to another case, class or key.
    static func signedText(vaultID: VaultID, caseID: CaseID, key: CaseVersion.KeyRef, recipient: String, sealedKey: [UInt8],
                           commitment: [UInt8], granter: String, basis: String) -> [UInt8] {
        var w = ByteWriter(reservingCapacity: 200)
        w.raw(magic)
        w.raw(vaultID.bytes)
        w.raw(caseID.bytes)
        w.u64(key.generation)
        w.u32(key.index)
        w.string(recipient)
        w.data(sealedKey)
        w.raw(commitment)
        w.string(granter)
        w.string(basis)
        return w.bytes
    }

    func signedText(vaultID: VaultID, commitment: [UInt8]) -> [UInt8] {
        Self.signedText(vaultID: vaultID, caseID: caseID, key: key, recipient: recipient, sealedKey: sealedKey,
                        commitment: commitment, granter: granter, basis: basis)
    }

    /// Seals `classKey` to `recipient` and signs the grant as `granter`.
    static func make(vaultID: VaultID, caseID: CaseID, key: CaseVersion.KeyRef, commitment: [UInt8], classKey: SymmetricKey,
                     recipient: RosterEntry, granter: String, basis: GrantBasis, created: Timestamp,
                     signer: any MessageSigner) throws -> CaseGrant {
        let sealed = try SealedBox.seal(classKey, to: recipient.identity.boxKey)
        let text = signedText(vaultID: vaultID, caseID: caseID, key: key, recipient: recipient.id, sealedKey: sealed,
                              commitment: commitment, granter: granter, basis: basis.text)
        return CaseGrant(caseID: caseID, key: key, recipient: recipient.id, sealedKey: sealed, granter: granter, basis: basis.text,
                         created: created, signature: try signer.signature(for: signatureDomain + text))
    }
}

/// Why a granter may hand a class key on. `GrantLedger.judge` decides each basis in one switch;
/// any other text is refused.
package enum GrantBasis: Equatable, Sendable {
    /// The granter held the key: an envelope in the case, or an earlier valid grant.
    case holder

    init?(text: String) {
        switch text {
        case "holder": self = .holder
        default: return nil
        }
    }

    var text: String {
        switch self {
        case .holder: "holder"
        }
    }
}
