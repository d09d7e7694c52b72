import CaseVaultCore
import Foundation
import SodiumKit

/// A key file's passphrase: its `--…passphrase-file`, else its environment variable (for
/// scripts), else a no-echo prompt at the terminal. Never an argument.
enum Passphrase {
    /// The acting member's key.
    static let own = PassphraseSource.environmentVariable
    /// The approving leader's key in `handover create`: a different key, so a different variable.
    static let approver = "CASEVAULT_APPROVER_PASSPHRASE"
    /// The centre root key file's: kept apart from any member's.
    static let root = "CASEVAULT_ROOT_PASSPHRASE"
    /// A key file's new passphrase (`identity passwd`, `identity split-root`).
    static let new = "CASEVAULT_NEW_PASSPHRASE"

    static func read(file: String?, variable: String = own, prompt: String, confirm: Bool = false) throws -> SecureBytes {
        if let source = source(file: file, variable: variable) { return try source.read() }
        let secret = try Terminal.readSecret(prompt: prompt, hint: "give it with \(option(for: variable)) FILE (mode 0600), or \(variable) in scripts")
        if confirm {
            let again = try Terminal.readSecret(prompt: "Repeat passphrase: ", hint: "")
            guard secret.constantTimeEquals(again) else { throw CLIError(.invalidInput, "the passphrases do not match", hints: ["type the same passphrase twice"]) }
        }
        guard secret.count > 0 else { throw CLIError(.invalidInput, "the passphrase is empty") }
        return secret
    }

    /// Where the passphrase came from and where it is looked for, for the hint after a wrong one.
    static func explain(file: String?, variable: String, whose: String) -> String {
        let origin: String
        if let file { origin = "it was read from the first line of \(file)" } else if source(file: nil, variable: variable) != nil {
            origin = "it was taken from \(variable)"
        } else {
            origin = "it was typed at the prompt"
        }
        return "\(origin); \(whose) passphrase comes from \(option(for: variable)) FILE, else \(variable), else a prompt"
    }

    private static func option(for variable: String) -> String {
        switch variable {
        case approver: "--approver-passphrase-file"
        case root: "--root-passphrase-file"
        case new: "--new-passphrase-file"
        default: "--passphrase-file"
        }
    }

    /// A passphrase for a new or re-protected key file: typed twice at a prompt, and refused
    /// (before anything is written) when it is too weak.
    static func readNew(file: String?, variable: String = own, prompt: String) throws -> SecureBytes {
        let secret = try read(file: file, variable: variable, prompt: prompt, confirm: true)
        if let why = PassphraseStrength.weakness(of: secret) {
            throw CLIError(.invalidInput, why, hints: [PassphraseStrength.hint])
        }
        return secret
    }

    private static func source(file: String?, variable: String) -> PassphraseSource? {
        if let file { return .file(file) }
        if let v = ProcessInfo.processInfo.environment[variable], !v.isEmpty || variable == own { return .environment(variable) }
        return nil
    }
}
