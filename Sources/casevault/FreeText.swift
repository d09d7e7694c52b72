import ArgumentParser
import CaseVaultCore

/// Free text (a reason, a purpose, a consent reference) is never taken from an argument: the
/// command line of every process is readable by other users in /proc/PID/cmdline. It comes
/// from a file, from standard input (`-`), or from a prompt at the terminal.
enum FreeText {
    static func read(file: String?, what: String, option: String, prompt: String?) throws -> String? {
        let text: String
        if let file {
            text = try Output.readInput(file)
        } else if let prompt {
            text = try Terminal.readText(prompt: prompt, what: what, hint: "give it with \(option) FILE, or \(option) - to read it from standard input")
        } else {
            return nil
        }
        let trimmed = String(text.reversed().drop { $0 == "\n" || $0 == "\r" }.reversed())
        guard !trimmed.isEmpty else { throw CLIError(.invalidInput, "the \(what) is empty", hints: ["write it into the file given to \(option)"]) }
        return trimmed
    }

    /// The message for an old free-text option given a value; the value itself is not repeated.
    static func argumentRefused(_ old: String, use option: String) -> ValidationError {
        ValidationError("\(old) no longer takes text on the command line, where other users' processes can read it; use \(option) FILE, or \(option) - for standard input")
    }

    /// Two inputs cannot both be standard input.
    static func requireOneStdin(_ inputs: [(option: String, value: String?)]) throws {
        let stdin = inputs.filter { $0.value == "-" }.map(\.option)
        guard stdin.count <= 1 else { throw CLIError.usage("only one of \(stdin.joined(separator: " and ")) can read standard input", hints: ["put the others in files"]) }
    }
}

/// `--reason-file FILE|-`: why a case is opened or changed (stored encrypted, never in the log).
struct ReasonOption: ParsableArguments {
    @Option(name: .customLong("reason-file"), help: ArgumentHelp("Read why you do this from FILE, or - for standard input (stored encrypted; only a commitment enters the access log).", valueName: "file"), completion: .file())
    var reasonFile: String?

    @Option(name: .customLong("reason"), help: .hidden) var argument: String?

    func validate() throws {
        if argument != nil { throw FreeText.argumentRefused("--reason", use: "--reason-file") }
    }

    func read() throws -> String? { try FreeText.read(file: reasonFile, what: "reason", option: "--reason-file", prompt: nil) }
}
