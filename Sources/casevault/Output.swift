import CaseVaultCore
import Foundation

enum Output {
    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("casevault: error: \(message)\n".utf8))
        exit(code)
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("casevault: \(message)\n".utf8))
    }

    /// JSON for `--json`: sorted keys, so the output is stable and diffable.
    static func json(_ object: Any) {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) else {
            fail("could not encode JSON output", code: 74)
        }
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// Reads a file argument, or stdin for "-".
    static func readInput(_ path: String) throws -> String {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let d = FileManager.default.contents(atPath: path) else { throw VaultError(.notFound, "cannot read \(path)") }
            data = d
        }
        guard let text = String(data: data, encoding: .utf8) else { throw VaultError(.invalidInput, "\(path == "-" ? "standard input" : path) is not UTF-8 text") }
        return text
    }
}
