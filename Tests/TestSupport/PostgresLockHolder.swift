import Foundation

/// A `psql` session holding a lock until told to let go, so a test can stop a server's
/// transaction at a known point.
final class PostgresLockHolder {
    private let process = Process()
    private let input = Pipe()
    private let socketFolder: String, database: String

    /// `LOCK TABLE table IN SHARE MODE`: reads go on, every insert or update of `table` waits.
    init(socketFolder: String, database: String, holdingShareLockOn table: String) throws {
        self.socketFolder = socketFolder
        self.database = database
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = ["-h", socketFolder, "-U", "postgres", "-d", database, "-q", "-v", "ON_ERROR_STOP=1"]
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("BEGIN; LOCK TABLE \(table) IN SHARE MODE; SELECT 1;\n".utf8))
        try poll { try count("pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = '\(table)' AND l.mode = 'ShareLock' AND l.granted") > 0 }
    }

    /// Until another session waits on a lock in this database.
    func waitUntilSomeoneWaits() throws {
        try poll { try count("pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") > 0 }
    }

    private func count(_ fromWhere: String) throws -> Int {
        let p = Process(), out = Pipe()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        p.arguments = ["-h", socketFolder, "-U", "postgres", "-d", database, "-q", "-t", "-A", "-c", "SELECT count(*) FROM " + fromWhere]
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    func release() throws {
        input.fileHandleForWriting.write(Data("COMMIT;\n".utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// Each `psql` round trip is the wait: there is no event to block on for another session's state.
    private func poll(_ condition: () throws -> Bool) throws {
        for _ in 0..<2_000 {
            if try condition() { return }
        }
        throw NSError(domain: "PostgresLockHolder", code: 1, userInfo: [NSLocalizedDescriptionKey: "the condition never held"])
    }
}
