import SodiumKit

/// The recipient's signed acknowledgement of a bundle (docs/FORMAT.md, "Handover receipt").
/// It quotes the manifest's hash, so it acknowledges exactly what was sent.
public struct HandoverReceipt: Sendable, Equatable {
    public static let header = "casevault-handover-receipt v1"
    static let domain = Array("casevault/v1/handover-receipt\0".utf8)

    public var bundleID: String
    public var vaultID: VaultID
    public var manifestHash: [UInt8]
    public var recipient: String
    public var received: Timestamp
    public var signature: [UInt8]

    var signedText: String {
        [Self.header, "bundle \(bundleID)", "vault \(vaultID.hex)", "manifest \(Base64.encode(manifestHash))",
         "recipient \(recipient)", "received \(received.rfc3339)"].joined(separator: "\n") + "\n"
    }

    public var text: String { signedText + "signature \(Base64.encode(signature))\n" }

    /// Made by the recipient after opening the bundle.
    public init(for bundle: OpenedBundle, identity: SecretIdentity, received: Timestamp = .now()) {
        bundleID = bundle.manifest.bundleID
        vaultID = bundle.manifest.vaultID
        manifestHash = bundle.manifest.hash
        recipient = bundle.manifest.recipient
        self.received = received
        signature = []
        signature = identity.signingKey.signature(for: Self.domain + Array(signedText.utf8))
    }

    private init(bundleID: String, vaultID: VaultID, manifestHash: [UInt8], recipient: String, received: Timestamp, signature: [UInt8]) {
        self.bundleID = bundleID
        self.vaultID = vaultID
        self.manifestHash = manifestHash
        self.recipient = recipient
        self.received = received
        self.signature = signature
    }

    public static func parse(_ text: String) throws(VaultError) -> HandoverReceipt {
        guard text.hasSuffix("\n"), !text.utf8.contains(0x0D) else { throw .format("receipt is malformed") }
        let lines = text.dropLast().splitASCII(0x0A)
        let keys = ["bundle", "vault", "manifest", "recipient", "received", "signature"]
        guard lines.first == header else { throw .format("not a CaseVault handover receipt (or an unsupported version)") }
        guard lines.count == keys.count + 1 else { throw .format("receipt is malformed") }
        var v: [String: String] = [:]
        for (key, line) in zip(keys, lines.dropFirst()) {
            guard line.hasPrefix(key + " ") else { throw .format("receipt line \"\(key)\" missing or out of order") }
            v[key] = String(line.dropFirst(key.count + 1))
        }
        guard HandoverManifest.isBundleID(v["bundle"]!), let vault = VaultID(hex: v["vault"]!), let hash = Base64.decode(v["manifest"]!), hash.count == 32,
              let received = Timestamp(rfc3339: v["received"]!), let sig = Base64.decode(v["signature"]!), sig.count == 64
        else { throw .format("receipt has a malformed value") }
        let r = HandoverReceipt(bundleID: v["bundle"]!, vaultID: vault, manifestHash: hash, recipient: v["recipient"]!, received: received, signature: sig)
        guard r.text == text else { throw .format("receipt is not in canonical form") }
        return r
    }

    func verify(by key: SigningPublicKey) throws(VaultError) {
        do { try key.verify(signature, for: Self.domain + Array(signedText.utf8)) } catch {
            throw .auth("the receipt's signature does not verify under \(recipient)'s key")
        }
    }
}
