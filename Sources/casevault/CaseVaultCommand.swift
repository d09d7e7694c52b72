import ArgumentParser
import CaseVaultCore
#if canImport(Glibc)
import Glibc
#endif

@main
struct CaseVaultCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "casevault",
        abstract: "Field-sealed case records for crisis centres.",
        discussion: """
            Exit codes: 0 success, 64 usage error, 65 invalid input or unknown format, 66 not found, 73 refused for safety, 74 I/O failure, 77 access denied or authentication failed.

            \(Examples.text(
                "casevault init --centre \"Krisesenteret i Nyby\" --leader-id lina --leader-name \"Lina Leder\" --key-out ~/lina.cvkey",
                "casevault case list --identity ~/kari.cvkey",
                "casevault vault info"))
            """,
        version: CaseVaultVersion.text,
        subcommands: [
            Init.self, VaultCommand.self, IdentityCommand.self, MemberCommand.self, CaseCommand.self, PolicyCommand.self,
            RecipientCommand.self, HandoverCommand.self, AuditCommand.self, RecoveryCommand.self, BreakGlassCommand.self, TasksCommand.self, Demo.self,
            Unlock.self, Lock.self, Status.self, AgentCommand.self, UICommand.self,
            Serve.self, ServerCommand.self,
        ])

    /// One line on stderr for every failure, `casevault: error: …`, then one line per problem
    /// when it gathers several, then any hints, and a documented exit code.
    static func main() {
        ProcessHardening.disableCoreDumps()
        do {
            var command = try parseAsRoot()
            try command.run()
            try SharedReplica.afterCommand()  // a shared vault's replica pushes what the command wrote
        } catch let error as CLIError {
            Output.fail(error.message, problems: (error.cause as? VaultError)?.problems ?? [], hints: error.hints,
                        afterword: error.afterword, code: error.exitCode)
        } catch let error as VaultError {
            Output.fail(error.message, problems: error.problems, hints: Hints.for(error), code: ExitCode.for(error.kind))
        } catch let error as ExitCode {
            Glibc.exit(error.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }  // --help, --version
            let message = CaseVaultCommand.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid usage"
            Output.fail(message.replacingOccurrences(of: "Error: ", with: ""), hints: ["`casevault help` lists the commands; add --help to any command for its options and examples"],
                        code: code.rawValue == 1 ? 64 : code.rawValue)
        }
    }
}

extension ExitCode {
    static func `for`(_ kind: VaultError.Kind) -> Int32 {
        switch kind {
        case .invalidInput, .unsupportedFormat: 65
        case .notFound: 66
        case .refused: 73
        case .ioFailure: 74
        case .accessDenied, .authenticationFailed: 77
        }
    }
}

/// The program's version, and the vault format it reads and writes.
enum CaseVaultVersion {
    static let release = "0.9.0"
    static var text: String { "\(release) (vault format \(Vault.formatVersion))" }
}

/// An "Examples" section for a command's help.
enum Examples {
    static func text(_ lines: String...) -> String {
        "Examples:\n" + lines.map { "  " + $0 }.joined(separator: "\n")
    }
}
