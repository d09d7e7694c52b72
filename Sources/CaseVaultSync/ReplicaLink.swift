import CaseVaultCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `server.json` in a replica's folder: which server and vault it mirrors, as whom, how far it
/// pulled, and a hash of every row as last synced (so a push sends only what changed here).
/// Holds no secret: ids, a sequence number and hashes of rows that are themselves sealed or signed.
public struct ReplicaLink: Codable, Sendable {
    public static let fileName = "server.json"
    public static let currentFormat = 1

    public var format: Int
    public var server: String
    public var vault: String
    public var member: String
    /// The key file this replica signs in with (for the key agent that holds it).
    public var keyFile: String
    /// The server's sequence number of the newest row pulled.
    public var pulled: Int64
    /// The server's log size at the last pull or push: a push continues the log there.
    public var logSize: UInt64
    /// Table and key → hex of the row's content hash, as last synced.
    public var synced: [String: String]

    public init(server: String, vault: VaultID, member: String, keyFile: String) {
        format = Self.currentFormat
        self.server = server
        self.vault = vault.hex
        self.member = member
        self.keyFile = keyFile
        pulled = 0
        logSize = 0
        synced = [:]
    }

    public static func path(in directory: String) -> String { directory + "/" + fileName }

    /// The link of the replica in `directory`, or nil for a vault that is not shared.
    public static func load(in directory: String) throws -> ReplicaLink? {
        let path = path(in: directory)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let link: ReplicaLink
        do { link = try JSONDecoder().decode(ReplicaLink.self, from: Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw SyncFailure(.protocolError, "\(path) is damaged")
        }
        guard link.format == currentFormat else { throw SyncFailure(.protocolError, "\(path) has format \(link.format); this program reads \(currentFormat)") }
        return link
    }

    public func save(in directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(self)
        let tmp = Self.path(in: directory) + ".tmp"
        guard FileManager.default.createFile(atPath: tmp, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw SyncFailure(.protocolError, "cannot write \(Self.path(in: directory))")
        }
        guard rename(tmp, Self.path(in: directory)) == 0 else { throw SyncFailure(.protocolError, "cannot write \(Self.path(in: directory))") }
    }

    static func rowKey(_ row: SyncRow) -> String { row.table + "\0" + row.keyText }
}
