import SodiumKit

/// The value of `documents[].content`: which blob holds the document, the digest of that blob
/// and the document's key, as `cvdoc1:<blob id>:<digest>:<key>` (hex). It is sealed and signed
/// like every field, so only the field's readers get the key, and a swapped or altered blob
/// fails the digest. Never shown as text (`isContentPath`).
struct DocumentReference {
    static let prefix = "cvdoc1"
    let blobID: [UInt8]
    let digest: [UInt8]
    let key: SymmetricKey

    /// The field's text; it holds the key, so it goes only into a field's plaintext.
    var fieldText: String {
        let keyHex = key.withUnsafeBytes { Hex.encode(Array($0)) }
        return [Self.prefix, Hex.encode(blobID), Hex.encode(digest), keyHex].joined(separator: ":")
    }

    init(blobID: [UInt8], digest: [UInt8], key: SymmetricKey) {
        self.blobID = blobID
        self.digest = digest
        self.key = key
    }

    init(fieldText: String) throws(VaultError) {
        let parts = fieldText.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == Self.prefix, let blob = Hex.decode(String(parts[1])), blob.count == 16,
              let digest = Hex.decode(String(parts[2])), digest.count == 32, var key = Hex.decode(String(parts[3])), key.count == 32
        else { throw .format("a document's content reference is malformed") }
        do {
            self.key = try SymmetricKey(secret: SecureBytes(consuming: &key))
        } catch { throw .io("secure memory could not be allocated") }
        blobID = blob
        self.digest = digest
    }

    /// `documents[3].content` and the like: a value that must never be printed.
    static func isContentPath(_ path: String) -> Bool {
        path.hasPrefix("documents[") && path.hasSuffix("].content")
    }
}
