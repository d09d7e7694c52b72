import AccessPolicy
import ArgumentParser
import CaseVaultCore
import Foundation

/// Where the vault is: `--vault DIR`, else `CASEVAULT_VAULT`.
struct VaultOptions: ParsableArguments {
    @Option(name: .long, help: "The vault folder (default: $CASEVAULT_VAULT).")
    var vault: String?

    var path: String {
        get throws {
            if let vault { return vault }
            if let env = ProcessInfo.processInfo.environment["CASEVAULT_VAULT"], !env.isEmpty { return env }
            throw ValidationError("no vault given: use --vault DIR or set CASEVAULT_VAULT")
        }
    }

    func open() throws -> Vault { try Vault.open(at: try path) }
}

/// Whose keys act: `--identity FILE` (else `CASEVAULT_IDENTITY`), unlocked with a passphrase
/// from `--passphrase-file`, `CASEVAULT_PASSPHRASE`, or a no-echo prompt. Never an argument.
struct IdentityOptions: ParsableArguments {
    @Option(name: .long, help: "Your key file (default: $CASEVAULT_IDENTITY).")
    var identity: String?

    @Option(name: .long, help: "Read the key file's passphrase from this file (mode 0600).")
    var passphraseFile: String?

    var keyPath: String { get throws { try Self.keyPath(identity) } }

    static func keyPath(_ identity: String?) throws -> String {
        if let identity { return identity }
        if let env = ProcessInfo.processInfo.environment["CASEVAULT_IDENTITY"], !env.isEmpty { return env }
        throw ValidationError("no key file given: use --identity FILE or set CASEVAULT_IDENTITY")
    }

    func load() throws -> SecretIdentity {
        let path = try keyPath
        let source = PassphraseSource.resolve(file: passphraseFile, prompt: "Passphrase for \(path): ")
        if case .prompt = source { try AgentKeys.refuseWhenLocked(keyPath: path) }
        return try KeyFile.load(from: path, passphrase: try source.read())
    }

    /// Opens a session; a refused or failed attempt is written to the vault's access log first.
    /// The vault's root must be the one this key file's owner pinned, and its state must not have
    /// gone back from what this client saw (checked before anything is written to it).
    func session(in vault: Vault, command: String, reanchoring: Bool = false) throws -> Session {
        let path = try keyPath
        if let agent = try AgentKeys.holding(keyPath: path, for: command) {
            return try vault.openSession(keyFile: path, keys: agent, command: command, reanchoring: reanchoring)
        }
        let source = PassphraseSource.resolve(file: passphraseFile, prompt: "Passphrase for \(path): ")
        if case .prompt = source { try AgentKeys.refuseWhenLocked(keyPath: path) }
        return try vault.openSession(keyFile: path, passphrase: try source.read(), command: command, reanchoring: reanchoring)
    }
}

extension IdentityOptions {
    /// Runs `body` in a session (the core logs any refusal it meets).
    func withSession<T>(in vault: Vault, command: String, caseID: CaseID? = nil, _ body: (Session) throws -> T) throws -> T {
        let session = try session(in: vault, command: command)
        let result = try body(session)
        try session.anchor?.save(vault: vault)  // only after success: a failed command may have rolled back what it noted
        return result
    }
}

struct JSONFlag: ParsableArguments {
    @Flag(name: .long, help: "Print JSON (stable shape, documented in the README).")
    var json = false
}

extension Role: ExpressibleByArgument {}
