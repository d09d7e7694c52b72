import AccessPolicy
import SodiumKit

/// The centre root's signature over a policy file: Ed25519 over a domain string, the vault id
/// and the file's exact bytes, so a policy signed for one vault is refused by another.
package enum PolicySigning {
    static let domain = Array("casevault/v1/policy\0".utf8)

    package static func message(_ policyBytes: [UInt8], vault: VaultID) -> [UInt8] { domain + vault.bytes + policyBytes }

    package static func sign(_ policy: Policy, vault: VaultID, root: SigningSecretKey) -> [UInt8] {
        root.signature(for: message(policy.sourceBytes, vault: vault))
    }

    static func verify(_ policyBytes: [UInt8], signature: [UInt8], vault: VaultID, root: SigningPublicKey) throws(VaultError) {
        do { try root.verify(signature, for: message(policyBytes, vault: vault)) } catch {
            throw .auth("the policy's signature does not verify under the centre root key", cause: error)
        }
    }

    /// The detached signature file written by `policy sign`: three lines, versioned.
    static func signatureFile(_ signature: [UInt8], vault: VaultID) -> String {
        "casevault-policy-signature v1\nvault \(vault.hex)\nsignature \(Base64.encode(signature))\n"
    }

    static func parseSignatureFile(_ text: String, vault: VaultID) throws(VaultError) -> [UInt8] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 4, lines[3].isEmpty else { throw .format("policy signature file is malformed") }
        guard lines[0] == "casevault-policy-signature v1" else { throw .format("policy signature format \"\(lines[0].prefix(40))\" is not supported") }
        guard lines[1] == "vault \(vault.hex)" else { throw .auth("the policy was signed for another vault") }
        guard lines[2].hasPrefix("signature "), let sig = Base64.decode(lines[2].dropFirst(10)), sig.count == 64 else {
            throw .format("policy signature file is malformed")
        }
        return sig
    }
}
