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
    // Written and read as bytes: the file holds a line per case the log names, and every
    // command reads and writes it, so no String is made per case.

    /// The lines after the state file's `log` line, each ending in LF.
    func appendText(to out: inout [UInt8]) {
        func named(_ key: String, _ n: Named?) -> String { n.map { "\(key) \($0.serial) \(Hex.encode($0.hash)) \($0.index)\n" } ?? "\(key) -\n" }
        out += Array("followed \(followed)\n".utf8) + Array(named("logged-roster", roster).utf8) + Array(named("logged-policy", policy).utf8)
        out.reserveCapacity(out.count + cases.count * 200)
        for c in cases.keys.sorted() {
            let h = cases[c]!
            out += Self.casePrefix
            Self.appendHex(c.bytes, to: &out)
            Self.appendNumber(h.version, to: &out)
            out.append(Self.space)
            Self.appendHex(h.hash, to: &out)
            out.append(Self.space)
            Self.appendHex(h.history, to: &out)
            Self.appendNumber(h.index, to: &out)
            Self.appendNumber(h.base, to: &out)
            out.append(UInt8(ascii: "\n"))
        }
    }

    private static let casePrefix = Array("case ".utf8)
    private static let space = UInt8(ascii: " ")
    private static let digits = Array("0123456789abcdef".utf8)

    private static func appendHex(_ bytes: [UInt8], to out: inout [UInt8]) {
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
    }

    /// A space, then the decimal number.
    private static func appendNumber(_ n: UInt64, to out: inout [UInt8]) {
        out.append(space)
        out += Array(String(n).utf8)
    }

    /// The lines after the `log` line, without their LFs; nil when any is malformed.
    static func parse(_ lines: ArraySlice<ArraySlice<UInt8>>) -> LoggedState? {
        var s = LoggedState()
        var rest = lines
        func words(_ line: ArraySlice<UInt8>?) -> [String]? {
            line.map { $0.split(separator: space).map { String(decoding: $0, as: UTF8.self) } }
        }
        func named(_ line: [String]?, _ key: String) -> Named?? {
            guard let line, line.first == key else { return nil }
            if line == [key, "-"] { return .some(nil) }
            guard line.count == 4, let n = UInt64(line[1]), let h = Hex.decode(line[2]), h.count == 32, let i = UInt64(line[3]) else { return nil }
            return .some(Named(serial: n, hash: h, index: i))
        }
        guard let f = words(rest.popFirst()), f.count == 2, f[0] == "followed", let followed = UInt64(f[1]),
              let roster = named(words(rest.popFirst()), "logged-roster"), let policy = named(words(rest.popFirst()), "logged-policy") else { return nil }
        s.followed = followed
        s.roster = roster
        s.policy = policy
        s.cases.reserveCapacity(rest.count)
        for line in rest {
            guard let (c, head) = parseCase(line), s.cases[c] == nil else { return nil }
            s.cases[c] = head
        }
        return s
    }

    /// `case <id> <version> <hash> <history> <index> <base>`, read from the bytes.
    private static func parseCase(_ line: ArraySlice<UInt8>) -> (CaseID, Head)? {
        line.withUnsafeBufferPointer { b -> (CaseID, Head)? in
            var at = 0
            /// The next word: up to the next space (or the end, for the last one).
            func word(last: Bool = false) -> UnsafeBufferPointer<UInt8>? {
                let start = at
                while at < b.count, b[at] != space { at += 1 }
                guard at > start, last == (at == b.count) else { return nil }
                let w = UnsafeBufferPointer(rebasing: b[start..<at])
                at += 1
                return w
            }
            guard let tag = word(), tag.elementsEqual(casePrefix.dropLast()), let id = word().flatMap({ hex($0, count: 10) }),
                  let version = word().flatMap(number), let hash = word().flatMap({ hex($0, count: 32) }),
                  let history = word().flatMap({ hex($0, count: 32) }), let index = word().flatMap(number),
                  let base = word(last: true).flatMap(number) else { return nil }
            return (CaseID(unchecked: id), Head(version: version, hash: hash, history: history, index: index, base: base))
        }
    }

    private static func hex(_ text: UnsafeBufferPointer<UInt8>, count: Int) -> [UInt8]? {
        guard text.count == count * 2 else { return nil }
        var bad = false
        let out = [UInt8](unsafeUninitializedCapacity: count) { out, n in
            for i in 0..<count {
                guard let hi = nibble(text[2 * i]), let lo = nibble(text[2 * i + 1]) else { bad = true; break }
                out[i] = hi << 4 | lo
                n = i + 1
            }
        }
        return bad ? nil : out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    /// A decimal without sign or leading zero (as `String(n)` writes it).
    private static func number(_ text: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard !text.isEmpty, text.count <= 20, text[0] != UInt8(ascii: "0") || text.count == 1 else { return nil }
        var n: UInt64 = 0
        for c in text {
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
            let (m, o1) = n.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(c - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            n = a
        }
        return n
    }
}
