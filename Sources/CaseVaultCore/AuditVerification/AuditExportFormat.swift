import SodiumKit
#if canImport(Glibc)
import Glibc
#endif

/// The auditor's export folder, version 2 (docs/FORMAT.md, "Export folder"):
///
///     vault              manifest: vault id, log origin, centre root key, formats
///     entries            every log entry, exact bytes, each preceded by an empty line
///     checkpoint         the latest checkpoint note, with the cosignatures the vault holds
///     cosigned/<size>-<n> each cosigned checkpoint note the vault holds, as its witness stored it
///     rosters/0001.txt   every signed roster, serial 1 to n
///     versions           every stored case version and policy by number and hash (`VersionsFile`)
///     migration          the root-signed migration statement, in a vault migrated from format 1
///
/// Nothing else: no case content, no sealed reasons, no policy text.
public enum AuditExportFormat {
    public static let version = 2
    static let manifestFile = "vault"
    static let entriesFile = "entries"
    static let checkpointFile = "checkpoint"
    static let cosignedFolder = "cosigned"
    static let rostersFolder = "rosters"
    static let manifestHeader = "casevault-audit-export v2"
    static let previousManifestHeader = "casevault-audit-export v1"
    static let versionsFile = "versions"
    static let migrationFile = "migration"
    static let entriesHeader = "casevault-audit-entries v1"

    static func rosterFileName(_ serial: UInt64) -> String {
        let digits = String(serial)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + ".txt"
    }

    static func cosignedFileName(size: UInt64, ordinal: Int) -> String { "\(size)-\(ordinal)" }
}

/// The `vault` file: what the auditor needs to know which log this is and which root to trust.
/// The fingerprint line repeats what the root key gives, so the file is readable on its own.
package struct AuditManifest: Equatable {
    package var vaultID: VaultID
    package var rootKey: SigningPublicKey
    var vaultFormat: String
    var exported: Timestamp

    package var origin: String { LogNames.origin(of: vaultID) }

    var text: String {
        [AuditExportFormat.manifestHeader, "vault \(vaultID.hex)", "origin \(origin)", "root-key \(Base64.encode(rootKey.bytes))",
         "root-fingerprint \(Fingerprint.root(rootKey))", "vault-format \(vaultFormat)", "exported \(exported.rfc3339)",
         "versions \(VersionsFile.header)"]
            .joined(separator: "\n") + "\n"
    }

    package static func parse(_ bytes: [UInt8]) throws(AuditFailure) -> AuditManifest {
        func bad(_ why: String) -> AuditFailure { .malformed("vault", why) }
        guard let text = String(validating: bytes, as: UTF8.self), text.hasSuffix("\n"), !bytes.contains(0x0D) else {
            throw bad("is not LF-terminated UTF-8 text")
        }
        let lines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.first == AuditExportFormat.previousManifestHeader {
            throw bad("is an export of version 1, written before vault format 2: it has no versions file, so its cases cannot be checked against the log; export again with this CaseVault")
        }
        guard lines.first == AuditExportFormat.manifestHeader else {
            if lines.first?.hasPrefix("casevault-audit-export ") == true { throw bad("export version \"\(lines[0].prefix(40))\" is not supported") }
            throw bad("is not a CaseVault audit export")
        }
        let keys = ["vault", "origin", "root-key", "root-fingerprint", "vault-format", "exported", "versions"]
        guard lines.count == keys.count + 1 else { throw bad("has \(lines.count) lines, expected \(keys.count + 1)") }
        var v: [String: String] = [:]
        for (key, line) in zip(keys, lines.dropFirst()) {
            guard line.hasPrefix(key + " ") else { throw bad("line \"\(key)\" is missing or out of order") }
            v[key] = String(line.dropFirst(key.count + 1))
        }
        guard let id = VaultID(hex: v["vault"]!) else { throw bad("vault id is malformed") }
        guard let rootBytes = Base64.decode(v["root-key"]!), let root = try? SigningPublicKey(bytes: rootBytes) else {
            throw bad("root key is not canonical base64 of 32 bytes")
        }
        guard let exported = Timestamp(rfc3339: v["exported"]!) else { throw bad("export time is malformed") }
        let m = AuditManifest(vaultID: id, rootKey: root, vaultFormat: v["vault-format"]!, exported: exported)
        guard m.vaultFormat == Vault.formatVersion else { throw bad("vault format \(m.vaultFormat.prefix(10)) is not supported") }
        guard v["versions"] == VersionsFile.header else { throw bad("versions file format \(v["versions"]!.prefix(40)) is not supported") }
        guard v["origin"] == m.origin else { throw bad("origin is not this vault's log") }
        guard v["root-fingerprint"] == Fingerprint.root(root) else { throw bad("root fingerprint does not match the root key") }
        guard m.text.utf8.elementsEqual(bytes) else { throw bad("is not in canonical form") }
        return m
    }
}

/// The `entries` file: a header line, then for each entry an empty line and the entry's exact
/// bytes. An entry ends with LF and holds no empty line, so "\n\n" always ends one entry.
package enum EntryFraming {
    static var headerBytes: [UInt8] { Array((AuditExportFormat.entriesHeader + "\n").utf8) }

    /// The byte range of each entry, in file order.
    package static func split(_ file: UnsafeBufferPointer<UInt8>) throws(AuditFailure) -> [Range<Int>] {
        let header = headerBytes
        guard file.count >= header.count, file.prefix(header.count).elementsEqual(header) else {
            if file.starts(with: "casevault-audit-entries ".utf8) { throw .malformed("entries", "file version is not supported") }
            throw .malformed("entries", "file does not start with \(AuditExportFormat.entriesHeader)")
        }
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(file.count / 400)
        var pos = header.count
        let n = file.count
        while pos < n {
            guard file[pos] == 0x0A else { throw .malformed("entry \(ranges.count)", "is not preceded by an empty line", index: UInt64(ranges.count)) }
            let start = pos + 1
            // The entry ends at the first LF followed by another LF, or at the end of the file
            // (memchr: this scan touches every byte of a log that may be gigabytes long).
            var end = n, k = start
            while k < n, let base = file.baseAddress, let hit = memchr(base + k, 0x0A, n - k) {
                let lf = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if lf + 1 == n || file[lf + 1] == 0x0A {
                    end = lf + 1
                    break
                }
                k = lf + 1
            }
            ranges.append(start..<end)
            pos = end
        }
        return ranges
    }
}
