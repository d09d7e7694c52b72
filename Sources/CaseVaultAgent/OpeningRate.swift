import CaseVaultCore
import SodiumKit

/// How many cases the agent opened in the current clock minute: past `perMinute` distinct cases
/// it refuses, so a process that asks for case after case gets a bounded share, each logged.
struct OpeningRate: Sendable {
    /// Above a whole centre's cases: the night shift's list opens every case it reaches (each
    /// logged), and a list cut short would hide do-not-admit flags at the door.
    static let perMinute = 2_500
    static let refusal = "bulk opening: the key agent opens at most \(perMinute) cases a minute; wait a minute"

    private var minute: UInt64 = 0
    private var cases: Set<CaseID> = []

    func wouldAdmit(_ caseID: CaseID, at now: UInt64) -> Bool {
        wouldAdmit([caseID], at: now)
    }

    /// Whether all of `caseIDs` could be opened now, together.
    func wouldAdmit(_ caseIDs: Set<CaseID>, at now: UInt64) -> Bool {
        guard now / 60 == minute else { return caseIDs.count <= Self.perMinute }
        return cases.count + caseIDs.subtracting(cases).count <= Self.perMinute
    }

    /// Counts `caseID` as opened now; false (and nothing counted) past the limit.
    mutating func admit(_ caseID: CaseID, at now: UInt64) -> Bool {
        if now / 60 != minute {
            minute = now / 60
            cases = []
        }
        guard cases.contains(caseID) || cases.count < Self.perMinute else { return false }
        cases.insert(caseID)
        return true
    }
}

/// Every seed and key CaseVault seals is 32 bytes: a generic box that opens to 32 bytes is
/// withheld, so a role seed, a class key, a grant or an escrow seed never leaves that way.
enum KeyWithholding {
    static let refusal = "the key agent hands out no key from a sealed box; keys come only with a logged case opening"
    /// A key, or a list index (opened only through its own request, which logs the openings).
    static func holdsKey(_ plaintext: SecureBytes) -> Bool {
        plaintext.count == SymmetricKey.byteCount || plaintext.withUnsafeBytes { ListIndexPlaintext.isIndex($0) }
    }
}
