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
        discussion: "Exit codes: 0 success, 64 usage error, 65 invalid input or unknown format, 66 not found, 73 refused for safety, 74 I/O failure, 77 access denied or authentication failed.",
        subcommands: [
            Init.self, VaultCommand.self, IdentityCommand.self, MemberCommand.self, CaseCommand.self, PolicyCommand.self,
            RecipientCommand.self, HandoverCommand.self, AuditCommand.self, TasksCommand.self, Demo.self,
            Unlock.self, Lock.self, Status.self, AgentCommand.self,
        ])

    /// One line on stderr for every failure, `casevault: error: …`, and a documented exit code.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as VaultError {
            Output.fail(error.message, code: ExitCode.for(error.kind))
        } catch let error as ExitCode {
            Glibc.exit(error.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }  // --help, --version
            let message = CaseVaultCommand.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid usage"
            Output.fail(message.replacingOccurrences(of: "Error: ", with: ""), code: code.rawValue == 1 ? 64 : code.rawValue)
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
