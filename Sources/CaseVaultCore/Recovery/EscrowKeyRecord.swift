import SodiumKit

/// A root-signed record of one escrow key epoch: the recovery key (shared k of n among
/// trustees) or the break-glass key (held by the breakers together with the root). Its public
/// key receives an envelope of every class written while it is the newest epoch.
struct EscrowKeyRecord: Sendable {
    enum Kind: String, Sendable { case recovery, breakglass }

    static let header = "casevault-escrow-key v1"
    static let domain = "casevault/v2/escrow-key\0"
    static let keys = ["kind", "vault", "epoch", "public-key", "holders", "threshold", "created"]

    let kind: Kind
    let epoch: UInt64
    let publicKey: BoxPublicKey
    /// Recovery: the trustees, in the order wraps nest them. Break-glass: who may break glass.
    let holders: [String]
    let threshold: Int
    let created: Timestamp
    let statement: EscrowStatement

    var label: String { "\(kind.rawValue)#\(epoch)" }

    static func sign(kind: Kind, vault: VaultID, epoch: UInt64, publicKey: BoxPublicKey, holders: [String], threshold: Int,
                     created: Timestamp, root: SigningSecretKey) throws(VaultError) -> EscrowKeyRecord {
        let s = try EscrowStatement.sign(header: header, fields: [
            ("kind", kind.rawValue), ("vault", vault.hex), ("epoch", String(epoch)), ("public-key", Hex.encode(publicKey.bytes)),
            ("holders", EscrowText.list(holders)), ("threshold", String(threshold)), ("created", created.rfc3339),
        ], domain: domain, key: root)
        return try parse(s.text, vault: vault, root: root.publicKey)
    }

    /// Parses and verifies a stored record against the centre root key and this vault.
    static func parse(_ text: String, vault: VaultID, root: SigningPublicKey) throws(VaultError) -> EscrowKeyRecord {
        let s = try EscrowStatement.parse(text, header: header, keys: keys)
        try s.verify(domain: domain, by: root)
        guard let kind = Kind(rawValue: s.value("kind")) else { throw .format("escrow key record: unknown kind \(s.value("kind"))") }
        guard s.value("vault") == vault.hex else { throw .auth("escrow key record belongs to another vault") }
        let pk: BoxPublicKey
        do { pk = try BoxPublicKey(bytes: try EscrowText.hex(s.value("public-key"), count: 32, "public-key")) } catch {
            throw .format("escrow key record: malformed public key")
        }
        let holders = EscrowText.list(s.value("holders"))
        guard let k = Int(s.value("threshold")), k >= 1, k <= holders.count, Set(holders).count == holders.count else {
            throw .format("escrow key record: threshold and holders do not fit")
        }
        return EscrowKeyRecord(kind: kind, epoch: try EscrowText.u64(s.value("epoch"), "epoch"), publicKey: pk, holders: holders,
                               threshold: k, created: try EscrowText.time(s.value("created"), "created"), statement: s)
    }
}

extension Vault {
    /// Every verified key record of `kind`, oldest epoch first; epochs must count 1, 2, 3, …
    func escrowKeyRecords(_ db: StoreTransaction, kind: EscrowKeyRecord.Kind) throws -> [EscrowKeyRecord] {
        var out: [EscrowKeyRecord] = []
        for row in try db.escrowKeys(kind: kind.rawValue) {
            let r = try EscrowKeyRecord.parse(row.record, vault: vaultID, root: rootKey)
            guard r.kind == kind, r.epoch == row.epoch, r.epoch == UInt64(out.count + 1) else {
                throw VaultError.auth("the \(kind.rawValue) key records are out of order")
            }
            out.append(r)
        }
        return out
    }

    /// The newest recovery and break-glass keys: every class written now is sealed to them too.
    func escrowRecipients(_ db: StoreTransaction) throws -> [EscrowRecipient] {
        try [EscrowKeyRecord.Kind.recovery, .breakglass].compactMap { kind in
            try escrowKeyRecords(db, kind: kind).last.map { EscrowRecipient(label: $0.label, key: $0.publicKey) }
        }
    }
}

/// Nested sealing: `seal(… seal(seal(secret, pk_last), …), pk_first)`. Opening it takes every
/// holder in turn, first to last; each layer is a plain `crypto_box_seal`.
enum NestedSeal {
    static func seal(_ secret: SecureBytes, to recipients: [BoxPublicKey]) throws(VaultError) -> [UInt8] {
        precondition(!recipients.isEmpty)
        do {
            var box = try SealedBox.seal(secret, to: recipients.last!)
            for pk in recipients.dropLast().reversed() {
                let inner = try SecureBytes(consuming: &box)
                box = try SealedBox.seal(inner, to: pk)
            }
            return box
        } catch { throw .io("sealing failed", cause: error) }
    }
}
