import SodiumKit

/// The pseudonymous signers the log itself introduces: a `case.bind-key` entry by an active
/// member binds a pseudonym to an Ed25519 key and one case; `case.unbind-key` ends it. The
/// export names no resident: the auditor learns only pseudonym, key and case from these entries.
struct ResidentSigners {
    /// What a resident's key may do: read its own case and its access report.
    static let actions: Set<String> = [LogAction.caseRead, .caseReadRefused, .caseHistory, .caseList, .auditReport, .accessDenied].map(\.rawValue)
        .reduce(into: []) { $0.insert($1) }

    private var bound: [String: (key: SigningPublicKey, caseID: CaseID)] = [:]
    private var ended: Set<String> = []

    /// Records a member's binding or unbinding entry; a problem if it makes no sense.
    mutating func note(_ f: EntryFacts) -> String? {
        guard let holder = f.boundHolder else { return nil }
        guard let caseID = f.caseID else { return "binds \(holder) to no case" }
        if let key = f.boundKey {
            guard bound[holder] == nil, !ended.contains(holder) else { return "binds \(holder) a second time" }
            bound[holder] = (key, caseID)
        } else {
            guard bound[holder]?.caseID == caseID else { return "unbinds \(holder), which is not bound to this case" }
            bound[holder] = nil
            ended.insert(holder)
        }
        return nil
    }

    /// Checks an entry by a pseudonym: bound earlier, signed with the bound key, about its own case.
    func check(_ f: EntryFacts) -> String? {
        guard let b = bound[f.actor] else { return "actor \(f.actor) is not a key bound to a case by an earlier entry" }
        guard b.key == f.signer else { return "is signed with a key that is not the one bound to \(f.actor)" }
        guard Self.actions.contains(f.action) else { return "\(f.actor) may only read its own case, not \(f.action)" }
        // A refused attempt on another case is logged as such; anything that succeeded is about its own case.
        let refusal = f.action == LogAction.caseReadRefused.rawValue || f.action == LogAction.accessDenied.rawValue
        if let c = f.caseID, c != b.caseID, !refusal { return "\(f.actor) acts on a case other than the one its key is bound to" }
        return nil
    }
}
