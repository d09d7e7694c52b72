import ArgumentParser
import CaseVaultCore
import Foundation

/// A case named on the command line: its full id or a unique prefix, resolved by the core
/// among the cases the user reaches.
enum CaseRef {
    static let help = ArgumentHelp("Case id: 20 hex digits, a unique prefix (at least \(Session.minimumCaseIDPrefix)) of a case you reach, or its alias where you may read aliases.")
    static let completion = CompletionKind.custom { words, _, _ in VaultCompletion.caseIDs(words) }
}

extension IdentityOptions {
    /// Runs `body` on the case `text` names, in a session (the core logs any refusal it meets).
    func withCase<T>(_ text: String, in vault: Vault, command: String, _ body: (Session, CaseID) throws -> T) throws -> (caseID: CaseID, result: T) {
        try withSession(in: vault, command: command) { session in
            let caseID = try session.resolveCaseID(text)
            return (caseID, try body(session, caseID))
        }
    }
}

/// Shell completion that asks the vault. It never prompts: a case id is offered only when the
/// key's passphrase is in --passphrase-file or the environment, and only for cases the key
/// reaches. Member and recipient ids come from the signed roster, which every vault user reads.
enum VaultCompletion {
    static func caseIDs(_ words: [String]) -> [String] {
        guard let vault = try? openVault(words), let key = value(of: "--identity", in: words) ?? env("CASEVAULT_IDENTITY"),
              let source = PassphraseSource.resolve(file: value(of: "--passphrase-file", in: words)),
              let identity = try? KeyFile.load(from: key, passphrase: try source.read()),
              let session = try? Session(vault: vault, identity: identity) else { return [] }
        return ((try? session.reachableCaseIDs()) ?? []).map(\.hex)
    }

    static func rosterIDs(_ words: [String], kind: RosterEntry.Kind) -> [String] {
        guard let roster = try? openVault(words).roster() else { return [] }
        return roster.entries.filter { $0.kind == kind && !$0.isRevoked }.map(\.id)
    }

    private static func openVault(_ words: [String]) throws -> Vault {
        guard let path = value(of: "--vault", in: words) ?? env("CASEVAULT_VAULT") else { throw CLIError(.notFound, "no vault") }
        return try Vault.open(at: path)
    }

    private static func value(of option: String, in words: [String]) -> String? {
        for (i, w) in words.enumerated() {
            if w == option, i + 1 < words.count { return words[i + 1] }
            if w.hasPrefix(option + "=") { return String(w.dropFirst(option.count + 1)) }
        }
        return nil
    }

    private static func env(_ name: String) -> String? {
        guard let v = ProcessInfo.processInfo.environment[name], !v.isEmpty else { return nil }
        return v
    }
}

enum RosterCompletion {
    static let members = CompletionKind.custom { words, _, _ in VaultCompletion.rosterIDs(words, kind: .member) }
    static let recipients = CompletionKind.custom { words, _, _ in VaultCompletion.rosterIDs(words, kind: .recipient) }
}
