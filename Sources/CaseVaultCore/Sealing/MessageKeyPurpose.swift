/// The message keys a key agent may hand out: a sealed 32-byte key whose proof ciphertext
/// carries associated data of one of these purposes only. A class key or role seed never
/// encrypts anything under such associated data, so neither can pass as a message key.
package enum MessageKeyPurpose {
    package static func admits(associatedData ad: [UInt8], sealed: [UInt8]) -> Bool {
        if ad == ReasonSeal.textAD { return true }
        // A handover answer's header: magic, version, fingerprint, then this very sealed key.
        let magic = HandoverAnswer.magic
        let at = magic.count + 1 + 16
        return ad.starts(with: magic) && ad.count >= at + sealed.count && Array(ad[at..<at + sealed.count]) == sealed
    }
}
