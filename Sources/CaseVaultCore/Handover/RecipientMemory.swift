import Foundation
import SodiumKit

/// What a recipient's client remembers of each centre it opened bundles from, so that a later
/// bundle cannot carry an older roster (one from before a revocation) or a different log at the
/// same size unnoticed. Stored beside the recipient's key file in `KEYFILE.<vault-id>.received`,
/// authenticated with a MAC key derived from the recipient's own secret (docs/FORMAT.md,
/// "Recipient state file").
public enum RecipientMemory {
    public struct Centre: Sendable, Equatable {
        public var rosterSerial: UInt64
        public var checkpoint: LogPosition
        public init(rosterSerial: UInt64, checkpoint: LogPosition) {
            self.rosterSerial = rosterSerial
            self.checkpoint = checkpoint
        }

        /// What is remembered after opening `bundle`: the newer roster and the larger checkpoint.
        func merging(_ bundle: OpenedBundle) -> Centre {
            Centre(rosterSerial: max(rosterSerial, bundle.roster.roster.serial),
                   checkpoint: bundle.checkpoint.size > checkpoint.size ? bundle.checkpoint : checkpoint)
        }
    }

    static let header = "casevault-recipient-state v1"
    public static let keyDomain = "casevault/v1/recipient-state-key"
    static let macDomain = Array("casevault/v1/recipient-state\0".utf8)

    static func path(keyFile: String, vault: VaultID) -> String { keyFile + "." + vault.hex + ".received" }

    static func body(_ c: Centre, vault: VaultID) -> String {
        [header, "vault \(vault.hex)", "roster \(c.rosterSerial)", "log \(c.checkpoint.size) \(Hex.encode(c.checkpoint.rootHash))"]
            .joined(separator: "\n") + "\n"
    }

    static func mac(_ body: String, key: SymmetricKey) -> [UInt8] { BLAKE2b.hash(macDomain + Array(body.utf8), key: key) }

    static func parse(_ text: String, vault: VaultID, key: SymmetricKey, path: String) throws(VaultError) -> Centre {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard text.hasSuffix("\n"), lines.count == 6, lines[5].isEmpty, lines[4].hasPrefix("mac "),
              let mac = Hex.decode(String(lines[4].dropFirst(4))), mac.count == 32 else {
            throw .format("recipient state file \(path) is malformed")
        }
        if lines[0] != header { throw .format("recipient state format \"\(lines[0].prefix(40))\" is not supported") }
        let body = lines[0...3].joined(separator: "\n") + "\n"
        guard Memory.constantTimeEquals(Self.mac(body, key: key), mac) else {
            throw .auth("recipient state file \(path) does not authenticate with this key (altered, or another key's)")
        }
        let log = lines[3].split(separator: " ").map(String.init)
        guard lines[1] == "vault \(vault.hex)", lines[2].hasPrefix("roster "), let roster = UInt64(lines[2].dropFirst(7)),
              log.count == 3, log[0] == "log", let size = UInt64(log[1]), let root = Hex.decode(log[2]), root.count == 32 else {
            throw .format("recipient state file \(path) is malformed")
        }
        let centre = Centre(rosterSerial: roster, checkpoint: LogPosition(size: size, rootHash: root))
        guard Self.body(centre, vault: vault) == body else { throw .format("recipient state file \(path) is not in canonical form") }
        return centre
    }
}

extension HandoverBundle {
    /// Opens a bundle as `open` does, checking it against what this recipient remembers of the
    /// centre (kept beside `keyFile`) and then remembering it. The first bundle from a centre
    /// has nothing to be checked against: SECURITY.md says what that leaves open.
    public static func open(_ bytes: [UInt8], identity: SecretIdentity, keyFile: String, trustedRoot: String, now: Timestamp = .now(),
                            allowExpired: Bool = false, keyring: String? = nil) throws(VaultError) -> OpenedBundle {
        let key = try identity.derivedSubkey(domain: RecipientMemory.keyDomain)
        var path = ""
        let opened = try open(bytes, identity: identity, trustedRoot: trustedRoot, now: now, allowExpired: allowExpired, keyring: keyring) {
            (vault: VaultID) throws(VaultError) -> RecipientMemory.Centre? in
            path = RecipientMemory.path(keyFile: keyFile, vault: vault)
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            guard let text = String(data: data, encoding: .utf8) else { throw .format("recipient state file \(path) is malformed") }
            return try RecipientMemory.parse(text, vault: vault, key: key, path: path)
        }
        let before = try FileManager.default.contents(atPath: path).flatMap { String(data: $0, encoding: .utf8) }
            .map { (t: String) throws(VaultError) in try RecipientMemory.parse(t, vault: opened.manifest.vaultID, key: key, path: path) }
        let after = before?.merging(opened) ?? RecipientMemory.Centre(rosterSerial: opened.roster.roster.serial, checkpoint: opened.checkpoint)
        if after != before {
            let body = RecipientMemory.body(after, vault: opened.manifest.vaultID)
            try SecureFile.replaceAtomically(path, Array((body + "mac \(Hex.encode(RecipientMemory.mac(body, key: key)))\n").utf8), mode: 0o600)
        }
        return opened
    }
}
