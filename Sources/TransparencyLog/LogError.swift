/// Every way a Merkle proof, signed note, checkpoint, cosignature or proof file is rejected.
/// Each case names the rule that was broken; descriptions never echo untrusted input at length.
public enum LogError: Error, Equatable, Sendable, CustomStringConvertible {
    // MARK: Merkle trees and proofs
    case invalidHashLength
    case leafIndexOutOfRange
    case treeSizeOutOfRange
    case inclusionProofWrongLength
    case inclusionRootMismatch
    case oldSizeExceedsNewSize
    case consistencyFromEmptyTree
    case consistencyProofNotEmpty
    case consistencyProofWrongLength
    case consistencyOldRootMismatch
    case consistencyNewRootMismatch
    case rootsDiffer
    case emptyTreeRootInvalid
    case compactRangeInvalid

    // MARK: Signed notes and keys
    case noteNotUTF8
    case noteContainsCarriageReturn
    case noteContainsControlCharacter
    case noteMissingFinalNewline
    case noteMissingBlankLine
    case noteTextEmpty
    case noteTextEndsWithBlankLine
    case noteHasNoSignatures
    case noteTooManySignatures
    case noteSignatureLineMalformed
    case noteSignatureNotBase64
    case noteSignatureTooShort
    case invalidKeyName
    case invalidVerifierKey
    case signatureInvalid(keyName: String)
    case noKnownSignature
    case signerUnavailable

    // MARK: Checkpoints
    case checkpointNotNewlineTerminated
    case checkpointTooFewLines
    case checkpointOriginInvalid
    case checkpointOriginMismatch
    case checkpointSizeNotDecimal
    case checkpointSizeLeadingZero
    case checkpointSizeOverflow
    case checkpointRootNotBase64
    case checkpointRootWrongLength
    case checkpointExtensionInvalid

    // MARK: Cosignatures
    case cosignatureMalformed
    case cosignatureTimestampOutOfRange
    case cosignatureInvalid(cosigner: String)
    case cosignatureMissing(cosigner: String)
    case cosignatureQuorumNotMet(required: Int, found: Int)

    // MARK: Proof files (c2sp.org/tlog-proof)
    case proofHeaderInvalid
    case proofExtraInvalid
    case proofIndexInvalid
    case proofHashInvalid
    case proofTooManyHashes
    case proofMissingCheckpoint

    public var description: String {
        switch self {
        case .invalidHashLength: "a hash is not 32 bytes"
        case .leafIndexOutOfRange: "leaf index is not below the tree size"
        case .treeSizeOutOfRange: "requested tree size is larger than the tree"
        case .inclusionProofWrongLength: "inclusion proof has the wrong number of hashes for its index and tree size"
        case .inclusionRootMismatch: "inclusion proof does not lead to the checkpoint root"
        case .oldSizeExceedsNewSize: "old tree size is larger than the new tree size"
        case .consistencyFromEmptyTree: "a consistency proof from the empty tree proves nothing"
        case .consistencyProofNotEmpty: "trees of equal size must have an empty consistency proof"
        case .consistencyProofWrongLength: "consistency proof has the wrong number of hashes for its tree sizes"
        case .consistencyOldRootMismatch: "consistency proof does not lead to the old root"
        case .consistencyNewRootMismatch: "consistency proof does not lead to the new root"
        case .rootsDiffer: "trees of equal size have different roots"
        case .emptyTreeRootInvalid: "root of the empty tree is not the SHA-256 of the empty string"
        case .compactRangeInvalid: "compact range hashes do not match its size"
        case .noteNotUTF8: "note is not valid UTF-8"
        case .noteContainsCarriageReturn: "note line contains a carriage return"
        case .noteContainsControlCharacter: "note contains a control character other than newline"
        case .noteMissingFinalNewline: "note does not end with a newline"
        case .noteMissingBlankLine: "note has no blank line before its signatures"
        case .noteTextEmpty: "note text is empty"
        case .noteTextEndsWithBlankLine: "note has more than one blank line before its signatures"
        case .noteHasNoSignatures: "note has no signature lines"
        case .noteTooManySignatures: "note has more than \(SignedNote.maxSignatures) signatures"
        case .noteSignatureLineMalformed: "note signature line is not an em dash, space, key name, space and base64"
        case .noteSignatureNotBase64: "note signature is not canonical base64"
        case .noteSignatureTooShort: "note signature is shorter than a key ID and one byte"
        case .invalidKeyName: "key name is empty or contains a space, a control character or '+'"
        case .invalidVerifierKey: "verifier key is not name+keyid+base64 of a matching Ed25519 key"
        case let .signatureInvalid(name): "signature by known key \(name) does not verify"
        case .noKnownSignature: "note has no valid signature from a known key"
        case .signerUnavailable: "the signing key (a key agent) did not answer"
        case .checkpointNotNewlineTerminated: "checkpoint text does not end with a newline"
        case .checkpointTooFewLines: "checkpoint has fewer than three lines"
        case .checkpointOriginInvalid: "checkpoint origin is empty or contains a control character"
        case .checkpointOriginMismatch: "checkpoint origin is not the expected log"
        case .checkpointSizeNotDecimal: "checkpoint size is not an unsigned decimal number"
        case .checkpointSizeLeadingZero: "checkpoint size has a leading zero"
        case .checkpointSizeOverflow: "checkpoint size does not fit in 64 bits"
        case .checkpointRootNotBase64: "checkpoint root hash is not canonical base64"
        case .checkpointRootWrongLength: "checkpoint root hash is not 32 bytes"
        case .checkpointExtensionInvalid: "checkpoint extension line is empty or contains a control character"
        case .cosignatureMalformed: "cosignature is not a key ID, 8-byte timestamp and 64-byte signature"
        case .cosignatureTimestampOutOfRange: "cosignature timestamp exceeds 2^63-1"
        case let .cosignatureInvalid(name): "cosignature by \(name) does not verify"
        case let .cosignatureMissing(name): "note has no cosignature by \(name)"
        case let .cosignatureQuorumNotMet(required, found): "checkpoint has \(found) valid cosignatures, \(required) required"
        case .proofHeaderInvalid: "proof does not start with \(InclusionProofFile.header)"
        case .proofExtraInvalid: "proof extra line is not 'extra' and canonical base64"
        case .proofIndexInvalid: "proof index line is not 'index' and a decimal without leading zeros"
        case .proofHashInvalid: "proof hash line is not canonical base64 of 32 bytes"
        case .proofTooManyHashes: "proof has more than \(InclusionProofFile.maxProofHashes) hashes"
        case .proofMissingCheckpoint: "proof has no blank line before its checkpoint"
        }
    }
}
