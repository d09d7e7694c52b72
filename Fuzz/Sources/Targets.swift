@testable import AccessPolicy
@testable import CaseVaultCore
import Foundation
import SodiumKit
@testable import TransparencyLog

/// Every parser of outside input, by the name scripts/fuzz.sh uses. A target may throw; it
/// must never trap. Where a format promises one encoding per value, the target also checks
/// that what decodes encodes back to the same bytes.
enum FuzzTargets {
    static let all: [String: (Data) -> Void] = [
        "record": { d in
            guard let record = try? RecordParser(allowSyntheticIDs: true).parseRecord(text(d)) else { return }
            for (path, value) in record.fields { roundTrip(value, path) }
        },
        "patch": { d in
            guard let patch = try? RecordPatch.parse(text(d), allowSyntheticIDs: true) else { return }
            _ = try? patch.resolve(existingPaths: ["notes[9998].text", "children[0].name", "threats[0].perpetrators[3].name"])
        },
        "policy": { d in
            _ = try? Policy(yaml: text(d))
            _ = try? PolicyCache.parse([UInt8](d))
        },
        "policy-signature": { d in _ = try? PolicySigning.parseSignatureFile(text(d), vault: Fixed.vaultID) },
        "roster": { d in
            _ = try? RosterParser.parse(text(d))
            _ = try? SignedRoster(fileText: text(d), trustedRoot: Fixed.root.publicKey)
        },
        "certificate": { d in
            _ = try? RosterEntry.parseCertified(text(d), vault: Fixed.vaultID, root: Fixed.root.publicKey)
            _ = try? PublicIdentity(text: text(d))
        },
        "keyfile": { d in
            // The checksum is recomputed so mutations reach the layout behind it.
            var body = [UInt8](d)
            body += BLAKE2b.hash(KeyFile.checksumDomain + body)
            _ = try? KeyFile.publicIdentity(of: body)
        },
        "version": { d in
            let bytes = [UInt8](d)
            guard let v = try? CaseVersion.decode(bytes) else { return }
            guard v.encoded() == bytes else { fatalError("a case version decoded from bytes that are not its encoding") }
        },
        "field-value": { d in
            let bytes = [UInt8](d)
            guard let value = try? bytes.withUnsafeBytes({ b throws(VaultError) in try FieldValue.decode(b) }) else { return }
            guard value.encoded() == bytes else { fatalError("a field value decoded from bytes that are not its encoding") }
        },
        "bundle-outer": { d in
            // The recipient's fingerprint is written in so mutations get past the addressing check.
            var bytes = [UInt8](d)
            let fp = PublicIdentity.fingerprintBytes(boxKey: Fixed.recipient.publicIdentity.boxKey.bytes,
                                                     signingKey: Fixed.recipient.publicIdentity.signingKey.bytes)
            let at = HandoverBundle.magic.count + 1
            if bytes.count >= at + fp.count { bytes.replaceSubrange(at..<at + fp.count, with: fp) }
            _ = try? HandoverBundle.open(bytes, identity: Fixed.recipient, trustedRoot: Fixed.vectorTrustedRoot, now: Fixed.vectorOpenAt)
        },
        "bundle-inner": { d in
            // The inner part of a version-2 bundle, or of a version-3 one (with documents) when
            // its magic says so: the reader checks that the two agree.
            var bytes = [UInt8](d)
            let version: UInt8 = bytes.count > 4 && bytes[4] == 3 ? 3 : 2
            guard let inner = try? SecureBytes(consuming: &bytes) else { return }
            _ = try? HandoverBundle.verifyInner(inner, version: version, recipient: Fixed.recipient.publicIdentity, trustedRoot: Fixed.vectorTrustedRoot,
                                                now: Fixed.vectorOpenAt, allowExpired: true, keyring: nil, memory: { _ in nil })
        },
        "bundle-payload": { d in
            guard let (fields, order, _) = try? HandoverBundle.decodePayload([UInt8](d)) else { return }
            for path in order { roundTrip(fields[path]!, path) }
        },
        "manifest": { d in _ = try? HandoverManifest.parse(text(d)) },
        "receipt": { d in _ = try? HandoverReceipt.parse(text(d)) },
        "handover-request": { d in
            _ = try? ApprovalRequest.parse(text(d))
            _ = try? ApprovalDecision.parse(text(d))
        },
        "answer-content": { d in
            for role in [Role.police, .housingOffice, .nav] { _ = try? AnswerContent.parse(text(d), role: role) }
        },
        "answer": { d in
            // The member's fingerprint is written in so mutations get past the addressing check.
            var bytes = [UInt8](d)
            let me = Fixed.member.publicIdentity
            let fp = PublicIdentity.fingerprintBytes(boxKey: me.boxKey.bytes, signingKey: me.signingKey.bytes)
            let at = HandoverAnswer.magic.count + 1
            if bytes.count >= at + fp.count { bytes.replaceSubrange(at..<at + fp.count, with: fp) }
            _ = try? HandoverAnswer.open(bytes, keys: Fixed.member) { _ throws(VaultError) in Fixed.recipient.publicIdentity.signingKey }
            _ = try? AnswerManifest.parse(text(d))
        },
        "signed-note": { d in _ = try? SignedNote.parse([UInt8](d)) },
        "checkpoint": { d in
            _ = try? Checkpoint.parse(text(d))
            _ = try? Checkpoint.open([UInt8](d), verifiers: [Fixed.logVerifier])
        },
        "cosignature": { d in
            guard let note = try? SignedNote.parse([UInt8](d)) else { return }
            _ = try? Fixed.cosigner.verify(note)
            _ = try? note.cosignatures(by: [Fixed.cosigner])
        },
        "tlog-proof": { d in
            guard let proof = try? InclusionProofFile.parse([UInt8](d)) else { return }
            _ = try? proof.verify(leafEntry: Array("entry\n".utf8), verifiers: [Fixed.logVerifier], witnesses: [Fixed.cosigner], witnessQuorum: 1)
        },
        "witness-state": { d in _ = try? WitnessState.parse([UInt8](d)) },
        "log-entry": { d in _ = try? LogEntry.parse([UInt8](d)) },
        "audit-entries": { d in
            let bytes = [UInt8](d)
            bytes.withUnsafeBufferPointer { file in
                guard let ranges = try? EntryFraming.split(file) else { return }
                _ = EntryBatch.check(file: file, ranges: ranges, vaultID: Fixed.vaultID)
            }
        },
        "audit-manifest": { d in _ = try? AuditManifest.parse([UInt8](d)) },
        "escrow": { d in
            // Every signed text of recovery and break-glass: the key record (checked against
            // the fixed root), a grant, and each request, approval and review header.
            _ = try? EscrowKeyRecord.parse(text(d), vault: Fixed.vaultID, root: Fixed.root.publicKey)
            for (header, keys) in [(RecoveryOperations.requestHeader, RecoveryOperations.requestKeys),
                                   (RecoveryOperations.approvalHeader, RecoveryOperations.approvalKeys),
                                   (BreakGlassRequest.header, BreakGlassRequest.keys),
                                   (BreakGlassRequest.approvalHeader, BreakGlassRequest.approvalKeys),
                                   (BreakGlassRequest.reviewHeader, BreakGlassRequest.reviewKeys),
                                   (ReleasedKey.header, ReleasedKey.keys)] {
                guard let s = try? EscrowStatement.parse(text(d), header: header, keys: keys) else { continue }
                guard s.text == text(d) else { fatalError("an escrow statement parsed from text that is not its one form") }
            }
        },
        "reason": { d in
            _ = try? ReasonSeal.open([UInt8](d), member: "mira", key: Fixed.member.boxKey, commitment: [UInt8](repeating: 0, count: 32))
        },
    ]

    static func text(_ d: Data) -> String { String(decoding: d, as: UTF8.self) }

    /// What the writer encodes, the reader decodes to the same value.
    static func roundTrip(_ value: FieldValue, _ path: String) {
        let encoded = value.encoded()
        let back = try? encoded.withUnsafeBytes { b throws(VaultError) in try FieldValue.decode(b) }
        guard back == value else { fatalError("field \(path) does not survive encoding") }
    }
}
