import SodiumKit
import TransparencyLog

/// The witness's memory (docs/FORMAT.md, "Witness cosignatures and the witness state"): the last checkpoint it
/// cosigned, with the centre root it pinned on first use. Versioned text, replaced atomically:
///
///     casevault-witness-state v1
///     vault <hex>
///     root-key <base64>
///     witness <key name>
///     size <decimal>
///     <empty line>
///     <the cosigned checkpoint note, verbatim>
public struct WitnessState: Sendable {
    public static let header = "casevault-witness-state v1"

    public let vaultID: VaultID
    public let rootKey: SigningPublicKey
    public let witnessName: String
    /// The cosigned note: the checkpoint, the log's signature and this witness's cosignature.
    public let note: SignedNote
    public let checkpoint: Checkpoint

    init(vaultID: VaultID, rootKey: SigningPublicKey, witnessName: String, note: SignedNote) throws(VaultError) {
        do { checkpoint = try Checkpoint.parse(note.text) } catch { throw .format("witness state: \(error)", cause: error) }
        self.vaultID = vaultID
        self.rootKey = rootKey
        self.witnessName = witnessName
        self.note = note
    }

    public var bytes: [UInt8] {
        let head = [Self.header, "vault \(vaultID.hex)", "root-key \(Base64.encode(rootKey.bytes))", "witness \(witnessName)",
                    "size \(checkpoint.size)"].joined(separator: "\n")
        return Array((head + "\n\n").utf8) + note.bytes
    }

    /// True when `bytes` start like a witness state file (rather than a bare checkpoint note).
    static func looksLikeState(_ bytes: [UInt8]) -> Bool { bytes.starts(with: "casevault-witness-state ".utf8) }

    public static func parse(_ bytes: [UInt8]) throws(VaultError) -> WitnessState {
        guard let blank = (0..<max(0, bytes.count - 1)).first(where: { bytes[$0] == 0x0A && bytes[$0 + 1] == 0x0A }),
              let head = String(validating: bytes[..<blank], as: UTF8.self) else { throw .format("witness state is malformed") }
        let lines = head.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.first == header else {
            if lines.first?.hasPrefix("casevault-witness-state ") == true { throw .format("witness state version is not supported") }
            throw .format("not a CaseVault witness state file")
        }
        let keys = ["vault", "root-key", "witness", "size"]
        guard lines.count == keys.count + 1 else { throw .format("witness state is malformed") }
        var v: [String: String] = [:]
        for (key, line) in zip(keys, lines.dropFirst()) {
            guard line.hasPrefix(key + " ") else { throw .format("witness state line \"\(key)\" is missing or out of order") }
            v[key] = String(line.dropFirst(key.count + 1))
        }
        guard let id = VaultID(hex: v["vault"]!), let rootBytes = Base64.decode(v["root-key"]!),
              let root = try? SigningPublicKey(bytes: rootBytes) else { throw .format("witness state is malformed") }
        let note: SignedNote
        do { note = try SignedNote.parse(Array(bytes[(blank + 2)...])) } catch { throw .format("witness state checkpoint: \(error)", cause: error) }
        let state = try WitnessState(vaultID: id, rootKey: root, witnessName: v["witness"]!, note: note)
        guard state.bytes == bytes else { throw .format("witness state is not in canonical form") }
        return state
    }
}
