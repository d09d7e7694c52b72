import AccessPolicy
import CaseVaultCore
import Foundation

/// The documented `--json` shapes (README, "JSON output"). Property names become snake_case
/// keys; an absent value is written as `null`, never left out, so every key is always there.
enum JSONShape {
    /// `tasks`: one deadline or open task.
    struct DueItem: Encodable {
        let `case`: String
        @Null var alias: String?
        let kind: String, field: String, what: String, owner: String, due: String
        let daysLeft: Int
        let overdue: Bool
    }

    struct CaseVersionRef: Encodable { let `case`: String; let version: UInt64 }
    struct DocumentAdded: Encodable { let `case`: String; let version: UInt64; let document: Int }
    /// One document as `case document list --json` gives it: `number` is what `get` takes.
    struct Document: Encodable {
        let number: Int, title: String, kind: String, size: Int, added: String
        init(_ d: CaseDocument) {
            number = d.index + 1
            title = d.title
            kind = d.kind.rawValue
            size = d.size
            added = d.added
        }
    }

    struct Assignment: Encodable {
        let member: String, role: String
        static func list(_ a: [CaseVersion.Assignment]) -> [Assignment] { a.map { Assignment(member: $0.member, role: $0.role) } }
    }

    struct OpenedCase: Encodable {
        let `case`: String, version: UInt64, author: String, updated: String
        let assigned: [Assignment], fields: [String: Value], sealedFields: [String]
    }

    struct CaseRow: Encodable {
        let `case`: String, version: UInt64, updated: String, assigned: [Assignment], fields: [String: Value]
        /// Only on a case that failed verification.
        let problem: String?
        /// Only when assigned members still wait for keys (a pending grant).
        let pending: [PendingGrantRow]?
    }

    struct PendingGrantRow: Encodable { let member: String, classes: Int }

    struct HistoryRow: Encodable {
        let version: UInt64, author: String, created: String, written: [String], removed: [String], assigned: [Assignment]
        /// Set on a version that imported a recipient's answer: the recipient's id (absent otherwise).
        var from: String? = nil
    }

    struct Roster: Encodable { let rosterSerial: UInt64; let entries: [RosterEntry] }
    struct RosterEntry: Encodable {
        let id: String, kind: String, name: String, roles: [String], fingerprint: String, added: String
        @Null var revoked: String?
    }

    struct RecipientDetail: Encodable {
        let id: String, name: String, role: String, fingerprint: String, publicIdentity: String, added: String
        @Null var revoked: String?
        let mayReceive: [String]
    }

    struct Policy: Encodable {
        let serial: Int, centreWide: [String], caseAssigned: [String], approvalRequired: [String], fields: [PolicyRow]
    }
    struct PolicyRow: Encodable { let field: String, label: String, read: [String], write: [String] }

    struct Identity: Encodable { let file: String, publicIdentity: String, fingerprint: String }

    /// `unlock` / `status`: only `unlocked` when no agent runs.
    struct Agent: Encodable {
        let unlocked: Bool
        var fingerprint: String?, keyFile: String?, unlockedAt: String?, idleLockAt: String?, locksAtLatest: String?, idleMinutes: Int?
    }

    struct VaultInfo: Encodable {
        let vault: String, centre: String, rootFingerprint: String, formatVersion: String, testVault: Bool, rosterSerial: UInt64, policySerial: Int
        var witnessFreshness: WitnessFreshness?
    }

    /// The newest cosignature (none: `witness` and `timestamp` null) and the entries after it.
    struct WitnessFreshness: Encodable {
        @Null var witness: String?
        let size: UInt64
        @Null var timestamp: String?
        let entriesAfter: UInt64

        init(_ f: CaseVaultCore.WitnessFreshness) {
            witness = f.witness
            size = f.size
            timestamp = f.timestamp?.rfc3339
            entriesAfter = f.entriesAfter
        }
    }

    struct AuditExport: Encodable {
        let folder: String, entries: UInt64, checkpointSize: UInt64, rosters: Int, cosignedCheckpoints: Int, rootFingerprint: String
    }

    struct AuditVerify: Encodable {
        let verified: Bool, vault: String, origin: String, rootFingerprint: String, rootPinned: Bool, rosters: Int, entries: UInt64
        let contentReads: Int, checkpointSize: UInt64, checkpointRoot: String, checkpointSigners: [String], cosignatures: [Cosignature]
        let unauthenticatedAttempts: [UInt64], tail: [UInt64]
        @Null var consistentSince: UInt64?
        var breakGlass: [BreakGlass] = []
        var witnessFreshness: WitnessFreshness?
    }
    struct BreakGlass: Encodable {
        let request: String, `case`: String, breaker: String, openedBy: String, mode: String, reasonCode: String, opened: String, entry: UInt64
        let reviewed: Bool
        @Null var reviewer: String?
        @Null var outcome: String?
    }
    struct Cosignature: Encodable { let witness: String, size: UInt64, timestamp: UInt64 }

    struct Witness: Encodable {
        let size: UInt64
        @Null var previousSize: UInt64?
        let root: String, witnessKey: String
    }

    struct LogEntry: Encodable {
        let index: UInt64, time: String, actor: String, action: String
        @Null var `case`: String?
        let fields: [String], detail: [String: String], reasonRecorded: Bool
    }

    struct AccessReport: Encodable { let `case`: String, centre: String, generated: String, events: [Event], disclosures: [Disclosure] }
    struct Event: Encodable {
        let index: UInt64, time: String, actor: String
        @Null var actorName: String?
        let actorRoles: [String], action: String, fields: [String], detail: [String: String]
    }
    struct Disclosure: Encodable {
        let index: UInt64, time: String, by: String, recipient: String
        @Null var recipientName: String?
        @Null var recipientRole: String?
        @Null var basis: String?
        @Null var bundle: String?
        @Null var approvedBy: String?
        @Null var consent: String?
        @Null var purpose: String?
        let fields: [String]
        @Null var confirmed: String?
    }

    struct OpenedBundle: Encodable {
        let bundle: String, centre: String, `case`: String, caseVersion: UInt64, sender: String, senderFingerprint: String
        @Null var approvedBy: String?
        let recipient: String, recipientRole: String, purpose: String, basis: String
        @Null var consent: String?
        let created: String
        @Null var expires: String?
        let expired: Bool, fields: [String: Value]
        /// Only in a bundle that hands over documents, so other bundles' JSON is unchanged.
        let documents: [Document]?
    }

    /// A field's value: a string, an integer, a boolean or a list of strings.
    struct Value: Encodable {
        let value: FieldValue
        static func map(_ fields: [String: FieldValue]) -> [String: Value] { fields.mapValues(Value.init) }
        func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch value {
            case let .text(s): try c.encode(s)
            case let .integer(i): try c.encode(i)
            case let .bool(b): try c.encode(b)
            case let .list(l): try c.encode(l)
            }
        }
    }
}

/// An optional that is written as `null` when absent, so a documented key never disappears.
@propertyWrapper
struct Null<T: Encodable>: Encodable {
    var wrappedValue: T?
    init(wrappedValue: T?) { self.wrappedValue = wrappedValue }
    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        if let v = wrappedValue { try c.encode(v) } else { try c.encodeNil() }
    }
}
