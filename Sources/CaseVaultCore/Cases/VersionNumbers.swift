extension SessionBound {
    /// A version number is used once: a writer refuses to store version `n` of a case when the
    /// log already names it (its stored row was deleted), whether or not this client follows the
    /// log. Only entries mentioning the case are parsed.
    func requireUnnamedVersion(_ caseID: CaseID, _ n: UInt64, db: StoreTransaction) throws {
        let needles = [Array("\ncase \(caseID.hex)\n".utf8), Array("version=\(n)".utf8)]
        try db.forEachLogEntry(containing: needles) { row in
            guard let entry = try? LogEntry.parse(row.bytes), LogAction(rawValue: entry.action)?.writesVersion == true,
                  entry.detailValue(LogDetail.version) == String(n) else { return }
            throw VaultError.auth("case \(caseID) version \(n) is already named by log entry \(row.index) but missing from the database (rolled back): refusing to reuse the number")
        }
    }
}
