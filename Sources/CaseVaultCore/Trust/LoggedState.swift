import SodiumKit

/// What the access log names, as a client followed it entry by entry (docs/FORMAT.md, "Log
/// follower"): the newest roster and policy by serial and hash, and per case the newest version
/// by number and chain hash with a digest of every version the log named before it.
struct LoggedState: Sendable, Equatable {
    struct Named: Sendable, Equatable {
        var serial: UInt64
        var hash: [UInt8]
        /// The entry that named it.
        var index: UInt64
    }

    struct Head: Sendable, Equatable {
        var version: UInt64
        var hash: [UInt8]
        /// `StateHashes.history` over versions `base + 1 … version`.
        var history: [UInt8]
        var index: UInt64
        /// The version the history starts from: 0, or the head the migration statement names.
        var base: UInt64
    }

    /// How many entries have been followed (the next one to read).
    var followed: UInt64 = 0
    var roster: Named?
    var policy: Named?
    var cases: [CaseID: Head] = [:]

    // MARK: Cross-checks: the database must hold exactly the newest of each thing the log names

    /// The newest stored roster or policy against the newest the log names; nil when they agree.
    static func disagreement(_ kind: String, stored: (serial: UInt64, hash: [UInt8])?, logged: Named?) -> String? {
        guard let stored else { return logged.map { "\(kind) \($0.serial) named by log entry \($0.index) is missing from the database (rolled back)" } }
        guard let logged else { return "\(kind) \(stored.serial) is not named by the log (unlogged, or forged)" }
        if stored.serial < logged.serial {
            return "\(kind) \(logged.serial) named by log entry \(logged.index) is missing from the database (rolled back to \(kind) \(stored.serial))"
        }
        if stored.serial > logged.serial { return "\(kind) \(stored.serial) is not named by the log (unlogged, or forged)" }
        if stored.hash != logged.hash { return "\(kind) \(stored.serial) is not the one log entry \(logged.index) names (replaced)" }
        return nil
    }

    /// One stored version, as the cross-check needs it.
    struct StoredName {
        var version: UInt64
        var hash: [UInt8]
        var author: String
    }

    /// A case's stored versions (oldest first) against what the log names; nil when they agree.
    /// `stored` must be the whole chain, each version's hash and author taken from its verified body.
    func disagreement(case c: CaseID, stored: [StoredName]) -> String? {
        guard let head = cases[c] else {
            guard let last = stored.last else { return nil }
            return "case \(c) version \(last.version) by \(last.author) is not named by the log (unlogged, or written by a member not active at its log position)"
        }
        if let problem = Self.disagreement(case: c, storedHead: stored.last?.version, logged: head, author: stored.last?.author) { return problem }
        guard stored.count == Int(head.version), stored[Int(head.version) - 1].hash == head.hash else {
            return "case \(c) version \(head.version) is not the one log entry \(head.index) names (replaced)"
        }
        var history = StateHashes.historyStart(caseID: c, migratedHead: head.base == 0 ? nil : (head.base, stored[Int(head.base) - 1].hash))
        for v in stored.dropFirst(Int(head.base)) { history = StateHashes.history(history, version: v.version, hash: v.hash, author: v.author) }
        guard history == head.history else {
            return "case \(c): a stored version before \(head.version) is not the one the log names, or not by the member who logged it (replaced or backdated)"
        }
        return nil
    }

    /// The head version numbers alone: what `case list` checks for every case, reached or not.
    static func disagreement(case c: CaseID, storedHead: UInt64?, logged: Head, author: String? = nil) -> String? {
        guard let stored = storedHead else {
            return "case \(c) (version \(logged.version) in the log, entry \(logged.index)) is missing from the database (deleted)"
        }
        if stored < logged.version {
            return "case \(c): version \(logged.version) named by log entry \(logged.index) is missing (rolled back to version \(stored))"
        }
        if stored > logged.version {
            return "case \(c) version \(stored)\(author.map { " by \($0)" } ?? "") is not named by the log (unlogged, or written by a member not active at its log position)"
        }
        return nil
    }

    /// Every case the log names and every stored case, by head version number; the first
    /// disagreement among those `skip` does not hold (the caller checks those in full).
    func firstDisagreement(storedHeads: [CaseID: UInt64], skip: Set<CaseID> = []) -> String? {
        for c in Set(cases.keys).union(storedHeads.keys).sorted() where !skip.contains(c) {
            if let head = cases[c] {
                if let p = Self.disagreement(case: c, storedHead: storedHeads[c], logged: head) { return p }
            } else if let v = storedHeads[c] {
                return "case \(c) version \(v) is not named by the log (unlogged, or written by a member not active at its log position)"
            }
        }
        return nil
    }

    // MARK: Text form, inside the client state file

    var lines: [String] {
        func named(_ key: String, _ n: Named?) -> String { n.map { "\(key) \($0.serial) \(Hex.encode($0.hash)) \($0.index)" } ?? "\(key) -" }
        var out = ["followed \(followed)", named("logged-roster", roster), named("logged-policy", policy)]
        for c in cases.keys.sorted() {
            let h = cases[c]!
            out.append("case \(c.hex) \(h.version) \(Hex.encode(h.hash)) \(Hex.encode(h.history)) \(h.index) \(h.base)")
        }
        return out
    }

    static func parse(_ lines: ArraySlice<[String]>) -> LoggedState? {
        var s = LoggedState()
        var rest = lines
        func named(_ line: [String]?, _ key: String) -> Named?? {
            guard let line, line.first == key else { return nil }
            if line == [key, "-"] { return .some(nil) }
            guard line.count == 4, let n = UInt64(line[1]), let h = Hex.decode(line[2]), h.count == 32, let i = UInt64(line[3]) else { return nil }
            return .some(Named(serial: n, hash: h, index: i))
        }
        guard let f = rest.popFirst(), f.count == 2, f[0] == "followed", let followed = UInt64(f[1]),
              let roster = named(rest.popFirst(), "logged-roster"), let policy = named(rest.popFirst(), "logged-policy") else { return nil }
        s.followed = followed
        s.roster = roster
        s.policy = policy
        for line in rest {
            guard line.count == 7, line[0] == "case", let c = try? CaseID(line[1]), let v = UInt64(line[2]), let h = Hex.decode(line[3]), h.count == 32,
                  let acc = Hex.decode(line[4]), acc.count == 32, let i = UInt64(line[5]), let base = UInt64(line[6]), s.cases[c] == nil
            else { return nil }
            s.cases[c] = Head(version: v, hash: h, history: acc, index: i, base: base)
        }
        return s
    }
}
