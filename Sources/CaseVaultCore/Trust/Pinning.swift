import Foundation

extension ClientAnchor {
    /// Pins the vault's centre root for the owner of `keyFile`, after they typed the fingerprint the
    /// leader read out: a fingerprint that differs from the vault's is refused, naming both.
    @discardableResult
    public static func pin(vault: Vault, keyFile: String, fingerprint: String) throws(VaultError) -> String {
        guard FileManager.default.fileExists(atPath: keyFile) else { throw .notFound("key file \(keyFile) not found") }
        let given = TrustFile.normalise(fingerprint)
        guard given == TrustFile.normalise(vault.rootFingerprint) else {
            throw .auth("the vault's centre root fingerprint is \(vault.rootFingerprint), not the \(TrustFile.display(given)) you were given: do not use this vault, tell the leader")
        }
        var trust = try TrustFile.load(forKeyFile: keyFile)
        try trust.add(vault: vault.vaultID, fingerprint: given)
        try trust.save(forKeyFile: keyFile)
        return TrustFile.path(forKeyFile: keyFile)
    }
}
