import ArgumentParser
import CaseVaultCore

/// A failure the CLI reports: the core's kind (which decides the exit code), the message, the
/// ways the user can fix it, and the lower-level error it came from.
struct CLIError: Error, CustomStringConvertible {
    let kind: VaultError.Kind
    let message: String
    let hints: [String]
    let cause: Error?
    /// Text of the user's own shown back after the hints (a note that was not saved), lines kept.
    var afterword: String?
    /// Set for a usage error (64), which has no core kind.
    private(set) var usage = false

    init(_ kind: VaultError.Kind, _ message: String, hints: [String] = [], cause: Error? = nil) {
        self.kind = kind
        self.message = message
        self.hints = hints
        self.cause = cause
    }

    static func usage(_ message: String, hints: [String] = []) -> CLIError {
        var e = CLIError(.invalidInput, message, hints: hints)
        e.usage = true
        return e
    }

    var exitCode: Int32 { usage ? 64 : ExitCode.for(kind) }

    /// A core error with hints added, keeping the core error as the cause.
    init(_ error: VaultError, hints: [String]) {
        self.init(error.kind, error.message, hints: hints, cause: error)
    }

    var description: String { message }

    /// Any failure of a command, with `afterword` to print after its hints.
    static func wrapping(_ error: Error, hint: String, afterword: String) -> Error {
        let original: CLIError
        switch error {
        case let e as CLIError: original = e
        case let e as VaultError: original = CLIError(e, hints: Hints.for(e))
        default: return error
        }
        var wrapped = CLIError(original.kind, original.message, hints: original.hints + [hint], cause: original.cause)
        wrapped.usage = original.usage
        wrapped.afterword = afterword
        return wrapped
    }
}

/// The general hints for a core error that the command itself did not explain.
enum Hints {
    static func `for`(_ e: VaultError) -> [String] {
        let m = e.message
        switch e.kind {
        case .refused where m.contains("already exists"):
            return ["choose a new file name; CaseVault never overwrites an existing file"]
        case .notFound where m.hasPrefix("case ") || m.hasPrefix("no case"):
            return ["`casevault case list` shows the cases you reach"]
        case .notFound where m.hasPrefix("passphrase file ") || m.hasPrefix("key file "):
            return ["check the path; a relative path is read from the current folder"]
        case .notFound where m.hasPrefix("no vault at"):
            return ["create one with `casevault init`, or point --vault (or CASEVAULT_VAULT) at an existing vault folder"]
        case .notFound where m.hasPrefix("no recipient"):
            return ["`casevault recipient list` shows the registered recipients"]
        case .notFound where m.hasPrefix("no member") || m.hasPrefix("no active member"):
            return ["`casevault member list` shows the members"]
        case .invalidInput where m.hasPrefix("invalid case id"):
            return ["give the 20-digit case id from `casevault case list`, or a unique prefix of it"]
        case .invalidInput where m.contains("matches") && m.contains("give more digits"):
            return ["`casevault case list` shows the full ids"]
        case .accessDenied where m.contains("not on the vault's signed roster"):
            return ["ask the leader to add you: `casevault identity show --public FILE` prints the line they need"]
        default:
            return []
        }
    }
}
