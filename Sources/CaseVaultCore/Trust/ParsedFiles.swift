import Synchronization
import SodiumKit

/// Client files this process has already authenticated and parsed (or written), by path: a
/// long-running process (the screens) reuses what it got from a file while the file is byte for
/// byte the one it read or wrote, instead of parsing a line per case again on every page. A
/// command-line process starts empty, so every command still reads its files. Only what passed
/// the file's MAC (and, for a list index, opened through the key agent, which logged the opening
/// of each case in it) is ever stored, together with a tag of the key it passed under.
final class ParsedFiles<Value: Sendable>: Sendable {
    private struct Parsed: Sendable {
        let fileHash: [UInt8]
        let keyTag: [UInt8]
        let value: Value
    }

    private let parsed = Mutex<[String: Parsed]>([:])

    func value(path: String, fileBytes: [UInt8], keyTag: [UInt8]) -> Value? {
        let hash = BLAKE2b.hash(fileBytes)
        return parsed.withLock { store in
            guard let hit = store[path], hit.fileHash == hash, hit.keyTag == keyTag else { return nil }
            return hit.value
        }
    }

    func remember(path: String, fileBytes: [UInt8], keyTag: [UInt8], value: Value) {
        let kept = Parsed(fileHash: BLAKE2b.hash(fileBytes), keyTag: keyTag, value: value)
        parsed.withLock { $0[path] = kept }
    }

    func forgetAll() { parsed.withLock { $0.removeAll() } }
}

/// The client files a long-running process keeps parsed (see `ParsedFiles`).
public enum ParsedClientFiles {
    /// List indexes by file, tagged with the owner's box key.
    static let listIndexes = ParsedFiles<[CaseID: ListIndex.Entry]>()
    /// Client state files by file, tagged with a MAC under the state's key.
    static let clientStates = ParsedFiles<ClientState>()

    /// Forgets everything kept (the screens call this when they lock).
    public static func forgetAll() {
        listIndexes.forgetAll()
        clientStates.forgetAll()
    }
}
