import AccessPolicy

/// Installing a new access policy, signed with the centre root key.
struct PolicyOperations: SessionBound {
    let session: Session

    /// Signs a policy file with the centre root key and installs it as the policy in force.
    /// Its serial must exceed the current one, so an old policy cannot be replayed.
    func installPolicy(bytes: [UInt8]) throws(VaultError) -> (policy: Policy, signature: [UInt8]) {
        let root = try requireRoot(for: "policy sign")
        let policy: Policy
        do { policy = try Policy(bytes: bytes) } catch { throw .input("\(error)", cause: error) }
        let signature = PolicySigning.sign(policy, vault: vault.vaultID, root: root)
        try vault.write { db in
            let state = try currentState(db)
            guard policy.serial > state.policy.serial else {
                throw VaultError.input("policy serial \(policy.serial) must be greater than the current \(state.policy.serial)")
            }
            try db.insertPolicy(serial: policy.serial, bytes: bytes, signature: signature)
            try vault.appendLog(db, state: state, session: session, action: .policyInstall, caseID: nil, fields: [],
                                 detail: ["policy-serial": String(policy.serial)], reason: nil)
            try vault.ensureRoleKeys(db, actor: member.id, signer: identity.signer, root: root)
        }
        return (policy, signature)
    }
}

extension Vault {
    /// Checks a policy file (and its detached signature, when given) without installing it.
    public func checkPolicy(bytes: [UInt8], signatureFile: String?) throws(VaultError) -> Policy {
        let policy: Policy
        do { policy = try Policy(bytes: bytes) } catch { throw .input("\(error)", cause: error) }
        if let signatureFile {
            let sig = try PolicySigning.parseSignatureFile(signatureFile, vault: vaultID)
            try PolicySigning.verify(bytes, signature: sig, vault: vaultID, root: rootKey)
        }
        return policy
    }

    public static func policySignatureFile(_ signature: [UInt8], vault: VaultID) -> String {
        PolicySigning.signatureFile(signature, vault: vault)
    }

    /// Writes the detached signature beside the policy. Written to a new sibling and renamed
    /// over `path`, so a symlink planted at `path` is replaced, never followed.
    public static func writePolicySignatureFile(_ signature: [UInt8], vault: VaultID, to path: String) throws(VaultError) {
        try SecureFile.replaceAtomically(path, Array(PolicySigning.signatureFile(signature, vault: vault).utf8), mode: 0o644)
    }
}
