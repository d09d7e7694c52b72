import AccessPolicy
import ArgumentParser
import CaseVaultCore
import Foundation
import SodiumKit

/// Where the vault is: `--vault DIR`, else `CASEVAULT_VAULT`.
struct VaultOptions: ParsableArguments {
    @Option(name: .long, help: "The vault folder (default: $CASEVAULT_VAULT).", completion: .directory)
    var vault: String?

    var path: String {
        get throws {
            if let vault { return vault }
            if let env = ProcessInfo.processInfo.environment["CASEVAULT_VAULT"], !env.isEmpty { return env }
            throw CLIError.usage("no vault given: use --vault DIR or set CASEVAULT_VAULT",
                                 hints: ["export CASEVAULT_VAULT=/path/to/vault once per shell, or create one with `casevault init`"])
        }
    }

    /// A shared vault's replica pulls first (SharedReplica.swift).
    func open() throws -> Vault {
        let vault = try Vault.open(at: try path)
        try SharedReplica.beforeCommand(vault)
        return vault
    }

    /// For `vault info` and `vault migrate` only: a format-1 vault opens too.
    func openAnyFormat() throws -> Vault { try Vault.open(at: try path, allowingFormat1: true) }
}

/// Whose keys act: `--identity FILE` (else `CASEVAULT_IDENTITY`), unlocked with a passphrase
/// from `--passphrase-file`, `CASEVAULT_PASSPHRASE`, or a no-echo prompt. Never an argument.
struct IdentityOptions: ParsableArguments {
    @Option(name: .long, help: "Your key file (default: $CASEVAULT_IDENTITY).", completion: .file())
    var identity: String?

    @Option(name: .long, help: "Read the key file's passphrase from this file (mode 0600).", completion: .file())
    var passphraseFile: String?

    var keyPath: String { get throws { try Self.keyPath(identity) } }

    static func keyPath(_ identity: String?) throws -> String {
        if let identity { return identity }
        if let env = ProcessInfo.processInfo.environment["CASEVAULT_IDENTITY"], !env.isEmpty { return env }
        throw CLIError.usage("no key file given: use --identity FILE or set CASEVAULT_IDENTITY",
                             hints: ["export CASEVAULT_IDENTITY=~/you.cvkey once per shell; `casevault identity new --out FILE` makes one"])
    }

    func load() throws -> SecretIdentity {
        let path = try keyPath
        if PassphraseSource.resolve(file: passphraseFile) == nil { try AgentKeys.refuseWhenLocked(keyPath: path) }
        return try KeyUnlock.load(path, passphraseFile: passphraseFile, variable: Passphrase.own, whose: "your")
    }

    /// Opens a session; a refused or failed attempt is written to the vault's access log first.
    /// The vault's root must be the one this key file's owner pinned, and its state must not have
    /// gone back from what this client saw (checked before anything is written to it).
    func session(in vault: Vault, command: String, reanchoring: Bool = false) throws -> Session {
        let path = try keyPath
        if let agent = try AgentKeys.holding(keyPath: path, for: command) {
            return try vault.openSession(keyFile: path, keys: agent, command: command, reanchoring: reanchoring)
        }
        if PassphraseSource.resolve(file: passphraseFile) == nil { try AgentKeys.refuseWhenLocked(keyPath: path) }
        let passphrase = try Passphrase.read(file: passphraseFile, prompt: "Passphrase for \(path): ")
        do { return try vault.openSession(keyFile: path, passphrase: passphrase, command: command, reanchoring: reanchoring) } catch {
            throw KeyUnlock.explained(error, path: path, passphraseFile: passphraseFile, variable: Passphrase.own, whose: "your")
        }
    }
}

extension IdentityOptions {
    /// Runs `body` in a session (the core logs any refusal it meets).
    func withSession<T>(in vault: Vault, command: String, caseID: CaseID? = nil, _ body: (Session) throws -> T) throws -> T {
        let session = try session(in: vault, command: command)
        let result = try body(session)
        try session.complete()  // only after success
        return result
    }
}

/// Unlocking a key file, with an error that says which file and where its passphrase came from.
enum KeyUnlock {
    static func load(_ path: String, passphraseFile: String?, variable: String, whose: String) throws -> SecretIdentity {
        let passphrase = try Passphrase.read(file: passphraseFile, variable: variable, prompt: "Passphrase for \(path): ")
        let identity: SecretIdentity
        do { identity = try KeyFile.load(from: path, passphrase: passphrase) } catch {
            throw explained(error, path: path, passphraseFile: passphraseFile, variable: variable, whose: whose)
        }
        return identity
    }

    /// A wrong passphrase (the only authentication failure of unlocking) names the key file
    /// and where its passphrase came from; anything else passes through.
    static func explained(_ error: VaultError, path: String, passphraseFile: String?, variable: String, whose: String) -> Error {
        guard error.cause is WrongPassphrase else { return error }
        return CLIError(.authenticationFailed, "wrong passphrase for the key file \(path)",
                        hints: [Passphrase.explain(file: passphraseFile, variable: variable, whose: whose)], cause: error)
    }
}

struct JSONFlag: ParsableArguments {
    @Flag(name: .long, help: "Print JSON (stable shape, documented in the README).")
    var json = false
}

extension Role: ExpressibleByArgument {
    /// Only the roles a command accepts are offered and parsed.
    static func parser(_ allowed: [Role], option: String) -> @Sendable (String) throws -> Role {
        { text in
            guard let role = Role(rawValue: text), allowed.contains(role) else {
                throw ValidationError("\(option) must be one of \(allowed.map(\.rawValue).joined(separator: ", ")), not \"\(text.prefix(40))\"")
            }
            return role
        }
    }

    static let caseAssigned = Role.allCases.filter { Policy.makeDefault().caseAssigned.contains($0) }
    static let memberRoles = Role.allCases.filter { !$0.isExternal }
    static let recipientRoles = Role.allCases.filter(\.isExternal)
}

/// The centre root key file, for what the root signs: `--root-key FILE` (else
/// `CASEVAULT_ROOT_KEY`), unlocked with `--root-passphrase-file`, `CASEVAULT_ROOT_PASSPHRASE`
/// or a prompt. Kept offline; brought out only for these commands.
struct RootKeyOptions: ParsableArguments {
    @Option(name: .long, help: "The centre root key file (default: $CASEVAULT_ROOT_KEY).", completion: .file())
    var rootKey: String?

    @Option(name: .long, help: "Read the centre root key file's passphrase from this file (mode 0600).", completion: .file())
    var rootPassphraseFile: String?

    func load(for command: String) throws -> SigningSecretKey {
        guard let path = rootKey ?? ProcessInfo.processInfo.environment["CASEVAULT_ROOT_KEY"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            throw CLIError(.accessDenied, "\(command) needs the centre root key, which is kept in its own key file",
                           hints: ["give it with --root-key FILE (or CASEVAULT_ROOT_KEY); `casevault init` wrote it with --root-key-out"])
        }
        let passphrase = try Passphrase.read(file: rootPassphraseFile, variable: Passphrase.root, prompt: "Passphrase for the centre root key \(path): ")
        do { return try RootKeyFile.load(from: path, passphrase: passphrase) } catch {
            throw KeyUnlock.explained(error, path: path, passphraseFile: rootPassphraseFile, variable: Passphrase.root, whose: "the centre root key's")
        }
    }
}

extension IdentityOptions {
    /// Runs `body` in a session that also holds the centre root key (asked for after the member's own).
    func withRootSession<T>(in vault: Vault, command: String, root: RootKeyOptions, _ body: (Session) throws -> T) throws -> T {
        let session = try session(in: vault, command: command)
        let result = try body(try session.holdingCentreRoot(try root.load(for: command), for: command))
        try session.complete()
        return result
    }
}
