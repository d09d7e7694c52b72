import CaseVaultCore
import SodiumKit

/// The requests that hand out keys: a case's class keys once its opening is logged, and a
/// message key shown with its proof. Neither ever returns a seed or the member's secret key.
extension AgentService {
    func openCaseKeys(_ payload: [UInt8], keys: SecretIdentity) -> Reply {
        let request: CaseKeyRequest
        do { request = try CaseKeyRequest.decode(payload) } catch { return .failed(error.message) }
        let now = clock.now()
        do {
            let remembered = loggedOpenings[request.vaultDirectory]?[request.caseID]
            guard try openingIsLogged(request, keys.publicIdentity.signingKey, now, remembered) else {
                return .unlogged("case \(request.caseID.hex)'s opening is not in the vault's log")
            }
        } catch { return .refused(error.message) }
        guard openings.admit(request.caseID, at: now) else { return .refused(OpeningRate.refusal) }
        let opened = request.open(with: keys.boxKey)
        // Each answer: u8 (0 a key follows, 1 withheld) ‖ 32 bytes (zero when withheld), in locked memory.
        let stride = 1 + SymmetricKey.byteCount
        do {
            return .secret(try SecureBytes(count: opened.count * stride) { out in
                for (i, key) in opened.enumerated() {
                    out[i * stride] = key == nil ? 1 : 0
                    key?.withUnsafeBytes { k in UnsafeMutableRawBufferPointer(rebasing: out[i * stride + 1..<(i + 1) * stride]).copyMemory(from: k) }
                }
            })
        } catch { return .failed("out of secure memory") }
    }

    /// `boxList([vault folder, case id in hex, …])`: appends this member's `case.open` entry of
    /// each case named, in one transaction, and remembers where each landed.
    func logCaseOpening(_ payload: [UInt8], keys: SecretIdentity) -> Reply {
        guard let parts = AgentWire.parseBoxList(payload), parts.count >= 2, parts.count <= AgentWire.maxOpeningsPerRequest + 1 else {
            return .failed("malformed case opening")
        }
        var caseIDs: [CaseID] = []
        for part in parts.dropFirst() {
            guard let caseID = try? CaseID(String(decoding: part, as: UTF8.self)) else { return .failed("malformed case opening") }
            caseIDs.append(caseID)
        }
        let now = clock.now()
        guard openings.wouldAdmit(Set(caseIDs), at: now) else { return .refused(OpeningRate.refusal) }
        let directory = String(decoding: parts[0], as: UTF8.self)
        do {
            let indices = try logOpenings(directory, caseIDs, keys, clock)
            loggedOpenings[directory, default: [:]].merge(indices) { _, new in new }
        } catch { return .refused(error.message) }
        return .ok([])
    }

    /// `boxList([vault folder, sealed list index])`: the index, once this member's `case.open`
    /// entry of every case it shows is appended (as for a listing's openings).
    func openListIndex(_ payload: [UInt8], keys: SecretIdentity) -> Reply {
        guard let parts = AgentWire.parseBoxList(payload), parts.count == 2 else { return .failed("malformed list index") }
        guard let opened = try? keys.boxKey.openSealedBox(parts[1]),
              let shown = opened.withUnsafeBytes({ ListIndexPlaintext.shownCases(in: $0) }) else {
            return .failed("the list index did not open")
        }
        let now = clock.now()
        guard openings.wouldAdmit(Set(shown), at: now) else { return .refused(OpeningRate.refusal) }
        for id in shown { _ = openings.admit(id, at: now) }
        let directory = String(decoding: parts[0], as: UTF8.self)
        do {
            for start in stride(from: 0, to: shown.count, by: AgentWire.maxOpeningsPerRequest) {
                let chunk = Array(shown[start..<min(start + AgentWire.maxOpeningsPerRequest, shown.count)])
                loggedOpenings[directory, default: [:]].merge(try logOpenings(directory, chunk, keys, clock)) { _, new in new }
            }
        } catch { return .refused(error.message) }
        return .secret(opened)
    }

    /// `boxList([sealed key, nonce, ciphertext, associated data])`: the key, when the associated
    /// data is of an admitted purpose and the ciphertext decrypts under the key.
    func openSealedKey(_ payload: [UInt8], keys: SecretIdentity) -> Reply {
        guard let p = AgentWire.parseBoxList(payload), p.count == 4 else { return .failed("malformed sealed key") }
        guard MessageKeyPurpose.admits(associatedData: p[3], sealed: p[0]) else {
            return .refused("the key agent hands out a message key only for a sealed reason or a handover answer")
        }
        guard let secret = try? keys.boxKey.openSealedBox(p[0]), let key = try? SymmetricKey(secret: secret),
              (try? XChaCha20Poly1305.open(p[2], key: key, nonce: p[1], associatedData: p[3])) != nil else {
            return .failed("the sealed key did not open, or its ciphertext does not decrypt under it")
        }
        return .secret(secret)
    }
}
