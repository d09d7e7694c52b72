import CaseVaultCore
import Foundation

/// Everything the CLI writes goes through here, so that no control character or bidi override
/// from a case, an alias or a file name reaches the terminal as-is.
enum Output {
    /// The error line, then one `casevault: problem: …` line per problem when the error gathers
    /// several, then one `casevault: hint: …` line per way the user can fix it. `afterword`, the
    /// user's own text given back, follows with its lines kept.
    static func fail(_ message: String, problems: [String] = [], hints: [String] = [], afterword: String? = nil, code: Int32) -> Never {
        var text = problems.isEmpty ? "casevault: error: \(neutralised(message, keepNewlines: false))\n"
            : "casevault: error: \(problems.count) problems, one per line:\n"
        for problem in problems { text += "casevault: problem: \(neutralised(problem, keepNewlines: false))\n" }
        for hint in hints { text += "casevault: hint: \(neutralised(hint, keepNewlines: false))\n" }
        if let afterword { text += neutralised(afterword) + "\n" }
        FileHandle.standardError.write(Data(text.utf8))
        exit(code)
    }

    /// After a listing that still printed every other case: the exit status says some failed.
    static func failedCases(_ failed: [CaseSummary]) -> Never {
        let n = failed.count
        fail("\(n) case\(n == 1 ? "" : "s") failed verification (marked FAILED VERIFICATION above); every other case was listed",
             hints: ["ask the leader or the data protection officer to run `casevault audit verify`"], code: 77)
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("casevault: \(neutralised(message, keepNewlines: false))\n".utf8))
    }

    static func line(_ text: String, terminator: String = "\n") {
        FileHandle.standardOutput.write(Data((neutralised(text) + terminator).utf8))
    }

    /// JSON for `--json`: sorted keys, so the output is stable and diffable. Bidi controls are
    /// written as `\uXXXX` escapes, which JSON readers decode back to the same text.
    static func json<T: Encodable>(_ value: T) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        guard let data = try? encoder.encode(value) else { fail("could not encode JSON output", code: 74) }
        var text = ""
        for scalar in String(decoding: data, as: UTF8.self).unicodeScalars {
            if isBidiControl(scalar) || (0x7F...0x9F).contains(scalar.value) {
                text += String(format: "\\u%04x", scalar.value)
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Control characters (except newline and tab in printed values) and bidi overrides are
    /// shown as visible `\u{…}` escapes instead of acting on the terminal.
    static func neutralised(_ text: String, keepNewlines: Bool = true) -> String {
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            let control = s.value < 0x20 || (0x7F...0x9F).contains(s.value)
            let allowed = keepNewlines && (s == "\n" || s == "\t")
            if (control && !allowed) || isBidiControl(s) {
                out.append(contentsOf: String(format: "\\u{%X}", s.value).unicodeScalars)
            } else {
                out.append(s)
            }
        }
        return String(out)
    }

    /// LRM/RLM/ALM, the embeddings and overrides (U+202A–U+202E), the isolates (U+2066–U+2069),
    /// and the invisible line and paragraph separators.
    static func isBidiControl(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// Reads a file argument, or stdin for "-".
    static func readInput(_ path: String) throws -> String {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let d = FileManager.default.contents(atPath: path) else {
                throw CLIError(.notFound, "cannot read \(path)", hints: [FileHints.missing(path)])
            }
            data = d
        }
        guard let text = String(data: data, encoding: .utf8) else { throw VaultError(.invalidInput, "\(path == "-" ? "standard input" : path) is not UTF-8 text") }
        return text
    }
}

/// The CLI's `print`: every line of ordinary output is neutralised on its way out.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    Output.line(items.map { "\($0)" }.joined(separator: separator), terminator: terminator)
}

enum FileHints {
    static func missing(_ path: String) -> String {
        path.hasPrefix("/") || path.hasPrefix("~")
            ? "check the path"
            : "a relative path is read from the current folder (\(FileManager.default.currentDirectoryPath)), not from where a key file lives"
    }
}
