import Dispatch
import SodiumKit
import TransparencyLog

/// What the in-order checks need from one entry once it has parsed and its signature verified.
/// Kept small: a million of these stay in memory during a verification.
struct EntryFacts: Sendable {
    var time: Int64 = 0
    var actor: String = ""
    var signer: SigningPublicKey?
    var action: String = ""
    /// The roster serial a roster change announces (detail `roster-serial`).
    var rosterSerial: UInt64?
    /// For a refused attempt by a key not on the roster: the member whose key file was presented.
    var claimed: String?
    var caseID: CaseID?
    /// For `case.bind-key` / `case.unbind-key`: the pseudonym, and the Ed25519 key bound to it.
    var boundHolder: String?
    var boundKey: SigningPublicKey?
}

/// The per-entry work of a verification, independent from entry to entry and so spread over
/// every core: strict parse, vault id, index = position, the signature under the entry's own
/// key, the leaf hash, and each full block's subtree root.
enum EntryBatch {
    struct Result {
        var facts: [EntryFacts]
        var tree: FlatMerkleTree
        /// The first failure in log order, if any; entries from there on may be unchecked.
        var failure: AuditFailure?
    }

    static func check(file: UnsafeBufferPointer<UInt8>, ranges: [Range<Int>], vaultID: VaultID) -> Result {
        let n = ranges.count
        let block = FlatMerkleTree.blockLeaves
        let chunks = (n + block - 1) / block
        var facts = [EntryFacts](repeating: EntryFacts(), count: n)
        var leaves = [UInt8](repeating: 0, count: n * FlatMerkleTree.width)
        var roots = [[UInt8]?](repeating: nil, count: n / block)
        var failures = [AuditFailure?](repeating: nil, count: chunks)
        guard n > 0 else { return Result(facts: [], tree: FlatMerkleTree(flatLeafHashes: [], blockRoots: []), failure: nil) }

        facts.withUnsafeMutableBufferPointer { f in
            leaves.withUnsafeMutableBufferPointer { l in
                roots.withUnsafeMutableBufferPointer { r in
                    failures.withUnsafeMutableBufferPointer { e in
                        let factsOut = SendablePointer(f.baseAddress!), leavesOut = SendablePointer(l.baseAddress!)
                        let rootsOut = r.baseAddress.map(SendablePointer.init), failuresOut = SendablePointer(e.baseAddress!)
                        let input = SendableBuffer(file)
                        ranges.withUnsafeBufferPointer { rangesBuffer in
                            let spans = SendableBuffer(rangesBuffer)
                            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                                let first = c * block, last = min(n, first + block)
                                if let failure = checkChunk(first..<last, file: input.buffer, ranges: spans.buffer, vaultID: vaultID,
                                                            facts: factsOut.pointer, leaves: leavesOut.pointer) {
                                    failuresOut.pointer[c] = failure
                                } else if last - first == block, let rootsOut {
                                    let start = first * FlatMerkleTree.width
                                    rootsOut.pointer[c] = FlatMerkleTree.perfectRoot(
                                        UnsafeBufferPointer(start: leavesOut.pointer + start, count: block * FlatMerkleTree.width))
                                }
                            }
                        }
                    }
                }
            }
        }
        // Chunks run in any order; the earliest failing chunk holds the first failure.
        return Result(facts: facts, tree: FlatMerkleTree(flatLeafHashes: leaves, blockRoots: roots), failure: failures.lazy.compactMap { $0 }.first)
    }

    /// Checks entries `span` in order and returns the first failure among them.
    private static func checkChunk(_ span: Range<Int>, file: UnsafeBufferPointer<UInt8>, ranges: UnsafeBufferPointer<Range<Int>>,
                                   vaultID: VaultID, facts: UnsafeMutablePointer<EntryFacts>, leaves: UnsafeMutablePointer<UInt8>) -> AuditFailure? {
        var message = [UInt8]()
        message.reserveCapacity(2048)
        for i in span {
            let position = UInt64(i)
            let bytes = UnsafeBufferPointer(rebasing: file[ranges[i]])
            let entry: LogEntry, signedLength: Int
            do { (entry, signedLength) = try LogEntry.parse(bytes) } catch { return .entry(position, error.message, malformed: true) }
            guard entry.vaultID == vaultID else { return .entry(position, "belongs to another vault (\(entry.vaultID.hex))") }
            guard entry.index == position else {
                return .entry(position, "has index \(entry.index): an entry is missing, repeated or out of order here")
            }
            // The signed message is the domain string and the entry's own bytes up to its signature line.
            message.removeAll(keepingCapacity: true)
            message += LogEntry.signatureDomain
            message.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[..<signedLength]))
            guard entry.signer.isValidSignature(entry.signature, for: message) else { return .entry(position, "signature does not verify") }
            let leaf = Merkle.leafHash(Array(bytes))
            leaf.withUnsafeBufferPointer { (leaves + i * FlatMerkleTree.width).update(from: $0.baseAddress!, count: FlatMerkleTree.width) }
            var fact = EntryFacts(time: entry.time.seconds, actor: entry.actor, signer: entry.signer, action: entry.action)
            if let serial = entry.detailValue("roster-serial") {
                guard let s = UInt64(serial), String(s) == serial else { return .entry(position, "roster serial is malformed", malformed: true) }
                fact.rosterSerial = s
            }
            if entry.actor == LogEntry.unknownActor { fact.claimed = entry.detailValue("claimed") }
            // The case only where a resident's key is involved: most entries keep no array alive.
            if ResidentBinding.isPseudonym(entry.actor) { fact.caseID = entry.caseID }
            if entry.action == LogAction.caseBindKey.rawValue || entry.action == LogAction.caseUnbindKey.rawValue {
                guard let holder = entry.detailValue("holder"), ResidentBinding.isPseudonym(holder) else {
                    return .entry(position, "names no pseudonym as holder", malformed: true)
                }
                fact.boundHolder = holder
                fact.caseID = entry.caseID
                if entry.action == LogAction.caseBindKey.rawValue {
                    guard let hex = entry.detailValue("key"), let bytes = Hex.decode(hex), let key = try? SigningPublicKey(bytes: bytes) else {
                        return .entry(position, "names no bound key", malformed: true)
                    }
                    fact.boundKey = key
                }
            }
            facts[i] = fact
        }
        return nil
    }
}
