import Foundation
import XCTest

/// One fresh database per test, copied from the template on the throwaway cluster that
/// scripts/test.sh starts (`CASEVAULT_TEST_POSTGRES`: its socket folder). Without that variable
/// the server tests fail, never skip: the test script always starts the cluster and sets it.
struct TestPostgres {
    static let variable = "CASEVAULT_TEST_POSTGRES"
    struct Missing: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
    let socketFolder: String
    let database: String

    init() throws {
        guard let folder = ProcessInfo.processInfo.environment[Self.variable], !folder.isEmpty else {
            throw Missing(message: "\(Self.variable) is not set: run scripts/test.sh, which starts a PostgreSQL for the server tests")
        }
        socketFolder = folder
        database = "cv_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try Self.run("/usr/bin/psql", ["-h", folder, "-U", "postgres", "-d", "postgres", "-q", "-v", "ON_ERROR_STOP=1",
                                       "-c", "CREATE DATABASE \(database) TEMPLATE casevault_template"])
    }

    /// A new database holding what `other` holds now (`pg_dump`, then `psql`): the second history
    /// of an operator who forks the vault.
    init(copyOf other: TestPostgres) throws {
        socketFolder = other.socketFolder
        database = "cv_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try Self.run("/usr/bin/psql", ["-h", socketFolder, "-U", "postgres", "-d", "postgres", "-q", "-v", "ON_ERROR_STOP=1",
                                       "-c", "CREATE DATABASE \(database)"])
        let file = NSTemporaryDirectory() + database + ".sql"
        try other.dump().write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Self.run("/usr/bin/psql", ["-h", socketFolder, "-U", "postgres", "-d", database, "-q", "-v", "ON_ERROR_STOP=1", "-f", file])
    }

    var url: String { "postgres://postgres@/\(database)?host=\(socketFolder)" }

    /// `pg_dump` of the whole database, as a backup would hold it.
    func dump() throws -> String { try Self.run("/usr/bin/pg_dump", ["-h", socketFolder, "-U", "postgres", database]) }

    /// One SQL statement, for tests that play a malicious server's operator.
    @discardableResult
    func sql(_ statement: String) throws -> String {
        try Self.run("/usr/bin/psql", ["-h", socketFolder, "-U", "postgres", "-d", database, "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", statement])
    }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw NSError(domain: "TestPostgres", code: Int(p.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "\(tool) failed: \(String(decoding: errors, as: UTF8.self))"])
        }
        return String(decoding: data, as: UTF8.self)
    }
}
