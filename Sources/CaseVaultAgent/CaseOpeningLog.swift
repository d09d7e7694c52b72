import CaseVaultCore
import SodiumKit

/// The vault's log as the agent reads and writes it: a case's keys leave the agent only while
/// a `case.open` entry of this member naming the case, which the agent appended itself, is among
/// the log's last entries and recent by the agent's clock.
enum CaseOpeningLog {
    /// How long one logged opening covers requests for that case.
    static let coverSeconds: UInt64 = 120
    /// How far back from the log's end the entry is looked for (a listing logs one per case).
    static let tailEntries: UInt64 = 1024

    /// `index`: where the agent appended the opening in this run, checked alone; otherwise the
    /// log's last `tailEntries` entries are searched.
    static func isLogged(_ request: CaseKeyRequest, by signer: SigningPublicKey, now: UInt64, at index: UInt64?) throws(VaultError) -> Bool {
        let vault = try OpenVaults.shared.vault(at: request.vaultDirectory)
        guard vault.vaultID == request.vaultID else { throw VaultError(.refused, "the request names another vault than the one in \(request.vaultDirectory)") }
        let now = Int64(clamping: now)
        let since = Timestamp(seconds: now - Int64(coverSeconds)), until = Timestamp(seconds: now + Int64(coverSeconds))
        if let index, try vault.hasLoggedOpening(of: request.caseID, by: signer, since: since, until: until, at: index) { return true }
        return try vault.hasLoggedOpening(of: request.caseID, by: signer, since: since, until: until, window: tailEntries)
    }

    static func append(to directory: String, caseIDs: [CaseID], keys: SecretIdentity, clock: any AgentClock) throws(VaultError) -> [CaseID: UInt64] {
        let vault = try Vault.open(at: directory, clock: AgentVaultClock(clock: clock))
        return try Session(vault: vault, identity: keys, command: "agent").logCaseOpenings(caseIDs)
    }

    /// A log entry whose action is `case.open`: only the agent itself signs those.
    static func isOpeningEntry(_ message: [UInt8]) -> Bool {
        message.starts(with: LogEntry.signatureDomain) && String(decoding: message, as: UTF8.self).contains("\naction \(LogAction.caseOpen.rawValue)\n")
    }
}

/// The agent's clock as the vault's: the entries it appends carry the agent's time.
struct AgentVaultClock: VaultClock {
    let clock: any AgentClock
    func now() -> Timestamp { Timestamp(seconds: Int64(clamping: clock.now())) }
}
