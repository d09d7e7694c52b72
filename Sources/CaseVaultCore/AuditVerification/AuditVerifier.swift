import SodiumKit
import TransparencyLog

/// Verifies an export folder offline, trusting nothing but the centre root key (and, when the
/// auditor names them, witness keys and an earlier checkpoint). It needs no case key and no
/// vault: only the folder `Session.exportAudit` wrote. Stops at the first problem in log order.
public struct AuditVerifier: Sendable {
    public struct Options: Sendable {
        /// The centre root fingerprint to trust. Without it the export is refused as unpinned,
        /// unless `trustOnFirstUse` accepts the export's own root (and the report says so).
        public var rootFingerprint: String?
        public var trustOnFirstUse: Bool
        /// Witnesses whose cosignatures must be present and valid.
        public var witnesses: [CosignatureVerifier]
        /// Witnesses given by their member signing key (the auditor's own identity): named from the rosters.
        public var witnessMemberKeys: [SigningPublicKey]
        /// An earlier checkpoint note (or a witness state file) the export must be consistent with.
        public var since: [UInt8]?

        public init(rootFingerprint: String? = nil, witnesses: [CosignatureVerifier] = [], witnessMemberKeys: [SigningPublicKey] = [],
                    since: [UInt8]? = nil, trustOnFirstUse: Bool = false) {
            self.rootFingerprint = rootFingerprint
            self.trustOnFirstUse = trustOnFirstUse
            self.witnesses = witnesses
            self.witnessMemberKeys = witnessMemberKeys
            self.since = since
        }
    }

    public let folder: String
    public let options: Options

    public init(folder: String, options: Options = Options()) {
        self.folder = folder
        self.options = options
    }

    public func verify() throws(AuditFailure) -> AuditReport {
        let dir = AuditFolder(path: folder)
        // 1. Which vault, and which root: the manifest, checked against the pinned fingerprint.
        let manifest = try AuditManifest.parse(try dir.read(AuditExportFormat.manifestFile))
        let fingerprint = Fingerprint.root(manifest.rootKey)
        if let pinned = options.rootFingerprint, !Fingerprint.matches(pinned, fingerprint) {
            throw .failed("vault", "the centre root key's fingerprint is \(fingerprint), not the trusted \(pinned)")
        }
        // An export vouches for nothing about its own root: whoever wrote it chose that root.
        guard options.rootFingerprint != nil || options.trustOnFirstUse else {
            throw .failed("vault", "the centre root is unpinned (the export names \(fingerprint)): give the fingerprint the centre published with --root-fingerprint, or accept this one with --trust-on-first-use")
        }
        // 2. Every roster, under the root, serials 1…n.
        var timeline = RosterTimeline(rosters: try loadRosters(dir, manifest))

        // 3. Every entry: the per-entry work on all cores, then the in-order checks.
        let mapped = try MappedFile(path: dir.file(AuditExportFormat.entriesFile), name: AuditExportFormat.entriesFile)
        var ranges: [Range<Int>] = []
        let (batch, disagreements) = try mapped.withBytes { file throws(AuditFailure) in
            ranges = try EntryFraming.split(file)
            let batch = EntryBatch.check(file: file, ranges: ranges, vaultID: manifest.vaultID)
            guard batch.failure == nil else { return (batch, [String]()) }
            return (batch, try VersionCrossCheck.problems(dir, manifest: manifest, rosterCount: timeline.rosters.count, file: file, ranges: ranges))
        }
        let count = batch.facts.count
        let outcome = timeline.check(batch.facts, limit: batch.failure?.index.map(Int.init) ?? count)
        if let failure = outcome.failure ?? batch.failure { throw failure }
        let tree = batch.tree

        // 4. The checkpoint: signed by a member active at its last entry, covering entries that exist, with their root.
        let members = timeline.checkpointVerifiers(vaultID: manifest.vaultID)
        let context = CheckpointContext(origin: manifest.origin, members: members, facts: batch.facts, timeline: timeline, tree: tree)
        let latest = try context.open(try dir.read(AuditExportFormat.checkpointFile), subject: "checkpoint", requireActiveSigner: true)
        let size = latest.checkpoint.size
        // Every member append stores a checkpoint in its own transaction, so only refused attempts
        // and residents' reads (checkpointed by the next member) may trail the latest one.
        for i in Int(size)..<count where batch.facts[i].actor != LogEntry.unknownActor && !ResidentBinding.isPseudonym(batch.facts[i].actor) {
            throw .entry(UInt64(i), "is signed by member \(batch.facts[i].actor) but not covered by the checkpoint (size \(size)): the checkpoint is older than the log (rolled back?)")
        }
        if timeline.lastSerial < UInt64(timeline.rosters.count) {
            throw .failed("roster \(timeline.lastSerial + 1)", "is not announced by any log entry: the roster changed outside the log")
        }

        // 5. Cosignatures: on the checkpoint and on each cosigned checkpoint the vault kept.
        let witnesses = try options.witnesses + witnessesByMemberKey(timeline.rosters)
        var cosignatures = try context.cosignatures(on: latest.note, subject: "checkpoint", witnesses: witnesses)
        for name in try dir.list(AuditExportFormat.cosignedFolder, optional: true) {
            let subject = AuditExportFormat.cosignedFolder + "/" + name
            let cosigned = try context.open(try dir.read(subject), subject: subject, requireActiveSigner: false)
            guard name.hasPrefix("\(cosigned.checkpoint.size)-") else { throw .malformed(subject, "file name does not match the checkpoint's size") }
            cosignatures += try context.cosignatures(on: cosigned.note, subject: subject, witnesses: witnesses)
        }
        for witness in witnesses where !cosignatures.contains(where: { $0.witness == witness.name }) {
            throw .failed("checkpoint", "no cosignature by witness \(witness.name) in the export")
        }

        // 6. The earlier checkpoint the auditor kept: the new one must extend it.
        var since: UInt64?
        if let earlier = options.since {
            since = try context.checkConsistency(earlier: earlier, latest: latest.checkpoint)
        }

        let breakGlass = try mapped.withBytes { file in BreakGlassAudit.scan(file: file, ranges: ranges, facts: batch.facts) }
        // 7. The stored versions, rosters and policies against what the log names: every case that disagrees.
        if !disagreements.isEmpty {
            throw AuditFailure(.failed, AuditExportFormat.versionsFile,
                               "\(disagreements.count) disagreement\(disagreements.count == 1 ? "" : "s") between the stored state and the log (listed above)",
                               lines: disagreements)
        }

        return AuditReport(
            vaultID: manifest.vaultID, origin: manifest.origin, rootFingerprint: fingerprint, rootPinned: options.rootFingerprint != nil,
            rosterCount: timeline.rosters.count, entryCount: UInt64(count),
            firstTime: batch.facts.first.map { Timestamp(seconds: $0.time) }, lastTime: batch.facts.last.map { Timestamp(seconds: $0.time) },
            checkpointSize: size, checkpointRoot: latest.checkpoint.rootHash, checkpointSigners: latest.signers,
            cosignatures: cosignatures.sorted { ($0.size, $0.witness) > ($1.size, $1.witness) },
            unauthenticatedAttempts: outcome.unauthenticated, tail: size..<UInt64(count), consistentSince: since,
            contentReads: outcome.contentReads, breakGlass: breakGlass)
    }

    private func loadRosters(_ dir: AuditFolder, _ manifest: AuditManifest) throws(AuditFailure) -> [Roster] {
        let names = try dir.list(AuditExportFormat.rostersFolder)
        guard !names.isEmpty else { throw .malformed(AuditExportFormat.rostersFolder, "folder holds no roster") }
        var rosters: [Roster] = []
        for (i, name) in names.enumerated() {
            let serial = UInt64(i + 1)
            let subject = "roster \(serial)"
            guard name == AuditExportFormat.rosterFileName(serial) else {
                throw .malformed(subject, "expected \(AuditExportFormat.rostersFolder)/\(AuditExportFormat.rosterFileName(serial)), found \(name.prefix(40))")
            }
            let bytes = try dir.read(AuditExportFormat.rostersFolder + "/" + name)
            guard let text = String(validating: bytes, as: UTF8.self) else { throw .malformed(subject, "is not UTF-8") }
            let signed: SignedRoster
            do { signed = try RosterCache.verified(text, trustedRoot: manifest.rootKey) } catch {
                throw AuditFailure(error.kind == .authenticationFailed ? .failed : .malformed, subject, error.message)
            }
            guard signed.roster.vaultID == manifest.vaultID else { throw .failed(subject, "belongs to another vault") }
            guard signed.roster.serial == serial else { throw .failed(subject, "carries serial \(signed.roster.serial)") }
            rosters.append(signed.roster)
        }
        return rosters
    }

    /// A witness named by a member's signing key cosigns as `casevault.invalid/witness/<id>`.
    private func witnessesByMemberKey(_ rosters: [Roster]) throws(AuditFailure) -> [CosignatureVerifier] {
        var out: [CosignatureVerifier] = []
        for key in options.witnessMemberKeys {
            guard let member = rosters.last?.members.first(where: { $0.identity.signingKey == key }),
                  let verifier = try? CosignatureVerifier(name: LogNames.witnessKeyName(member: member.id), publicKey: key)
            else { throw .failed("witness", "the given witness identity is not a member on the roster") }
            out.append(verifier)
        }
        return out
    }
}
