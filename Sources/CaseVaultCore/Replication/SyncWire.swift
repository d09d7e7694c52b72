import SodiumKit

/// The shared vault's wire messages (docs/FORMAT.md, "Shared vault wire protocol"): JSON bodies
/// over HTTP, rows as `SyncValue` wire strings, keys and signatures in base64.
public enum SyncWire {
    /// The protocol version every request names in its path (`/v1/...`); another is refused.
    public static let version = "v1"
    /// The domain a member signs a server challenge under.
    public static let authDomain = Array("casevault/v1/server-auth\0".utf8)
    /// A challenge's random bytes.
    public static let challengeBytes = 32
    /// The largest request body the server reads (a push of a whole vault, an inbox item).
    public static let maxBody = 64 << 20

    /// `authDomain ‖ vault id (16 bytes) ‖ challenge (32 bytes) ‖ member id (UTF-8)`: what the member signs.
    public static func authMessage(vault: VaultID, challenge: [UInt8], member: String) -> [UInt8] {
        authDomain + vault.bytes + challenge + Array(member.utf8)
    }

    public struct Row: Codable, Sendable {
        public var table: String
        public var key: [String]
        /// nil: the row was deleted.
        public var values: [String]?

        public init(_ row: SyncRow) {
            table = row.table
            key = row.key.map(\.wire)
            values = row.values?.map(\.wire)
        }

        public func syncRow() throws(VaultError) -> SyncRow {
            var k: [SyncValue] = []
            for w in key { k.append(try SyncValue(wire: w)) }
            var v: [SyncValue]?
            if let values {
                v = []
                for w in values { v!.append(try SyncValue(wire: w)) }
            }
            return SyncRow(table: table, key: k, values: v)
        }
    }

    public struct Registration: Codable, Sendable {
        public var rootKey: String
        public var roster: String
        public init(rootKey: String, roster: String) { self.rootKey = rootKey; self.roster = roster }
    }

    public struct ChallengeRequest: Codable, Sendable {
        public var member: String
        public init(member: String) { self.member = member }
    }

    public struct Challenge: Codable, Sendable {
        public var challenge: String
        public init(challenge: String) { self.challenge = challenge }
    }

    public struct SessionRequest: Codable, Sendable {
        public var member: String
        public var challenge: String
        public var signature: String
        public init(member: String, challenge: String, signature: String) { self.member = member; self.challenge = challenge; self.signature = signature }
    }

    public struct Session: Codable, Sendable {
        public var token: String
        public var serverTime: Int64
        public init(token: String, serverTime: Int64) { self.token = token; self.serverTime = serverTime }
    }

    public struct Push: Codable, Sendable {
        /// The log size the pushed entries continue: a push is refused when the head moved.
        public var base: UInt64
        public var rows: [Row]
        public init(base: UInt64, rows: [Row]) { self.base = base; self.rows = rows }
    }

    public struct PushResult: Codable, Sendable {
        public var logSize: UInt64
        public init(logSize: UInt64) { self.logSize = logSize }
    }

    public struct Pull: Codable, Sendable {
        public var rows: [Row]
        /// The sequence number to ask after next time.
        public var next: Int64
        public var more: Bool
        public var logSize: UInt64
        public init(rows: [Row], next: Int64, more: Bool, logSize: UInt64) { self.rows = rows; self.next = next; self.more = more; self.logSize = logSize }
    }

    public struct Delivery: Codable, Sendable {
        public var data: String
        public init(data: String) { self.data = data }
    }

    public struct InboxItem: Codable, Sendable {
        public var id: String
        public var from: String
        public var size: Int
        public var posted: Int64
        public init(id: String, from: String, size: Int, posted: Int64) { self.id = id; self.from = from; self.size = size; self.posted = posted }
    }

    /// `/ready` and a registration: the server can take requests for this vault.
    public struct Ready: Codable, Sendable {
        public var ready: Bool
        public init(ready: Bool) { self.ready = ready }
    }

    public struct Problem: Codable, Sendable {
        public var error: String
        public init(error: String) { self.error = error }
    }
}
