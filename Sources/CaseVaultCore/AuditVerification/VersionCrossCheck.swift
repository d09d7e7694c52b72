import SodiumKit

/// The export's stored state against what its log names (docs/FORMAT.md, "Versions file"): the
/// log followed from entry 0 as a client follows it, then every case, the newest roster and the
/// newest policy compared. Every disagreement is reported, one line each, not only the first.
enum VersionCrossCheck {
    static func problems(_ dir: AuditFolder, manifest: AuditManifest, rosterCount: Int, file: UnsafeBufferPointer<UInt8>,
                         ranges: [Range<Int>]) throws(AuditFailure) -> [String] {
        let versions = try VersionsFile.parse(try dir.read(AuditExportFormat.versionsFile))
        var rosters: [UInt64: LogFollower.RosterRef] = [:]
        for serial in 1...max(1, UInt64(rosterCount)) where rosterCount > 0 {
            let bytes = try dir.read(AuditExportFormat.rostersFolder + "/" + AuditExportFormat.rosterFileName(serial))
            let text = String(decoding: bytes, as: UTF8.self)
            guard let signed = try? RosterCache.verified(text, trustedRoot: manifest.rootKey) else { throw .malformed("roster \(serial)", "does not verify") }
            rosters[serial] = .init(roster: signed.roster, hash: StateHashes.roster(text))
        }
        var migration: (statement: MigrationStatement, hash: [UInt8])?
        if let bytes = try? dir.read(AuditExportFormat.migrationFile) {
            let text = String(decoding: bytes, as: UTF8.self)
            do { migration = (try MigrationStatement.verify(text, vault: manifest.vaultID, root: manifest.rootKey), StateHashes.migration(text)) } catch {
                throw AuditFailure(error.kind == .authenticationFailed ? .failed : .malformed, AuditExportFormat.migrationFile, error.message)
            }
        }
        var follower = LogFollower(vaultID: manifest.vaultID, logged: LoggedState(), rosters: rosters, migration: migration, collecting: true)
        var out: [String] = []
        for r in ranges {
            do { try follower.follow(Array(UnsafeBufferPointer(rebasing: file[r]))) } catch {
                out.append(error.message)  // the log itself names something the export does not hold: followed no further
                break
            }
        }
        if migration == nil, follower.logged.roster == nil, !ranges.isEmpty, out.isEmpty {
            out.append("the log names no roster (a vault migrated from format 1 whose migration statement is missing from the export?)")
        }
        let logged = follower.logged
        if let p = LoggedState.disagreement("roster", stored: rosters.max { $0.key < $1.key }.map { ($0.key, $0.value.hash) }, logged: logged.roster) { out.append(p) }
        if let p = LoggedState.disagreement("policy", stored: versions.policies.last.map { ($0.serial, $0.hash) }, logged: logged.policy) { out.append(p) }
        for c in Set(logged.cases.keys).union(versions.cases.keys).sorted() {
            if let p = follower.problems?[c] { out.append(p); continue }
            if let p = problem(c, listed: versions.cases[c] ?? [], head: logged.cases[c], named: follower.named?[c] ?? [:]) { out.append(p) }
        }
        return out
    }

    /// One case: every listed version named with the same hash, and the listed head the newest named.
    static func problem(_ c: CaseID, listed: [(version: UInt64, hash: [UInt8])], head: LoggedState.Head?, named: [UInt64: [UInt8]]) -> String? {
        guard let head else {
            return listed.last.map { "case \(c) version \($0.version) is not named by the log (unlogged, or written by a member not active at its log position)" }
        }
        if let p = LoggedState.disagreement(case: c, storedHead: listed.last?.version, logged: head) { return p }
        for v in listed where v.version >= head.base {
            guard let h = named[v.version] else {
                return "case \(c) version \(v.version) is not named by the log (unlogged, or written by a member not active at its log position)"
            }
            if h != v.hash { return "case \(c) version \(v.version) is not the one the log names (replaced)" }
        }
        return nil
    }
}
