import AccessPolicy
import SodiumKit

extension HandoverBundle {
    /// A bundle that hands over case documents is version 3 (docs/FORMAT.md, "Documents in a
    /// bundle"): the version-2 inner layout with the documents' stored streams after the payload.
    /// A bundle without a document stays version 2, byte for byte.
    static let documentVersion: UInt8 = 3
    static let documentInnerMagic = Array("CVBI\u{3}".utf8)

    /// A case document's stored stream as the vault holds it: ciphertext under the document's own
    /// key, which travels only in the payload's `documents[i].content`. That reference's digest,
    /// hashed into the signed manifest, is what binds the stream to the sender.
    public struct Attachment: Sendable, Equatable {
        public let blobID: [UInt8]
        public let stream: [UInt8]
        package init(blobID: [UInt8], stream: [UInt8]) {
            self.blobID = blobID
            self.stream = stream
        }
    }

    enum AttachmentLimits {
        static let count = 100
        /// A 20 MiB document's stream: the prefix and 321 chunks.
        static let streamBytes = DocumentCipher.prefixBytes + DocumentCipher.maxChunks * DocumentCipher.storedChunkBytes
    }

    /// What a recipient accepts; the bundle's own limits hold on top.
    static func checkLimits(_ attachments: [Attachment]) throws(VaultError) {
        guard attachments.count <= AttachmentLimits.count else {
            throw .input("the bundle would hand over \(attachments.count) documents, over the \(AttachmentLimits.count) a recipient accepts")
        }
        if let large = attachments.first(where: { $0.stream.count > AttachmentLimits.streamBytes }) {
            throw .input("a document's stored stream is \(large.stream.count) bytes, over the \(AttachmentLimits.streamBytes) a recipient accepts")
        }
    }

    static func write(_ attachments: [Attachment], to w: inout ByteWriter) {
        w.u32(UInt32(attachments.count))
        for a in attachments {
            w.raw(a.blobID)
            w.data(a.stream)
        }
    }

    /// At least one: a version-3 bundle without a document is not canonical.
    static func readAttachments(from r: inout ByteReader) throws(VaultError) -> [Attachment] {
        var out: [Attachment] = []
        do {
            let count = try r.count(max: AttachmentLimits.count)
            for _ in 0..<count {
                out.append(Attachment(blobID: try r.raw(16), stream: try r.data(max: AttachmentLimits.streamBytes)))
            }
        } catch { throw .format("handover bundle's document section is malformed") }
        guard !out.isEmpty else { throw .format("handover bundle's document section is empty") }
        return out
    }
}

/// The documents a bundle's payload hands over, and the checks tying each stored stream to them.
/// Sender and recipient run the same checks, so every bundle made opens.
struct BundleDocuments {
    struct Entry {
        let index: Int
        let reference: DocumentReference
        let size: Int
        var number: Int { index + 1 }
    }

    /// Every `documents[i].content` of the payload, in its order; each with its kind and size,
    /// which opening it needs.
    let entries: [Entry]

    init(fields: [String: FieldValue], order: [String]) throws(VaultError) {
        var entries: [Entry] = []
        for path in order where DocumentReference.isContentPath(path) {
            guard let index = RecordPatch.index(of: path, in: "documents"), case let .text(text)? = fields[path] else {
                throw .format("the bundle names a malformed document")
            }
            guard case let .integer(size)? = fields["documents[\(index)].size"], fields["documents[\(index)].kind"] != nil else {
                throw .auth("document \(index + 1) in the bundle comes without its kind and size")
            }
            entries.append(Entry(index: index, reference: try DocumentReference(fieldText: text), size: size))
        }
        self.entries = entries
    }

    /// Exactly one stream for each document, in the payload's order, each matching the digest
    /// its signed reference holds (compared in constant time).
    func check(_ attachments: [HandoverBundle.Attachment]) throws(VaultError) {
        var carried = Set<[UInt8]>()
        for a in attachments {
            guard carried.insert(a.blobID).inserted else { throw .auth("the bundle carries the same document stream twice") }
        }
        let named = Set(entries.map(\.reference.blobID))
        guard named.count == entries.count else { throw .auth("two documents in the bundle name the same stream") }
        if attachments.contains(where: { !named.contains($0.blobID) }) {
            throw .auth("the bundle carries a document stream that none of its documents names")
        }
        if let missing = entries.first(where: { !carried.contains($0.reference.blobID) }) {
            throw .auth("document \(missing.number) in the bundle comes without its content")
        }
        guard attachments.map(\.blobID) == entries.map(\.reference.blobID) else {
            throw .auth("the bundle's document streams are not in the order of its documents")
        }
        for (a, e) in zip(attachments, entries) where !Memory.constantTimeEquals(DocumentCipher.digest(of: a.stream), e.reference.digest) {
            throw .auth("the content of document \(e.number) in the bundle does not match its signed reference: it was altered or swapped")
        }
    }

    /// Document `entry` decrypted into secure memory: every chunk, with the vault, case and blob
    /// id bound into each, and the exact size.
    func open(_ entry: Entry, stream: [UInt8], manifest: HandoverManifest) throws(VaultError) -> SecureBytes {
        do {
            return try DocumentCipher.open(stream, key: entry.reference.key,
                                           context: .init(vault: manifest.vaultID, caseID: manifest.caseID, blobID: entry.reference.blobID), size: entry.size)
        } catch { throw .auth("document \(entry.number) in the bundle is damaged or was altered") }
    }

    /// The sender's side: each document's stream from the vault, refused unless it matches the
    /// signed reference (a damaged row must not leave as if it were the document).
    static func attachments(for fields: [String: FieldValue], order: [String], caseID: CaseID,
                            db: StoreTransaction) throws -> [HandoverBundle.Attachment] {
        let documents = try BundleDocuments(fields: fields, order: order)
        let attachments = try documents.entries.map { e in
            guard let stream = try db.documentBlob(e.reference.blobID, caseID: caseID) else {
                throw VaultError.notFound("the content of document \(e.number) is not in this vault")
            }
            return HandoverBundle.Attachment(blobID: e.reference.blobID, stream: stream)
        }
        do { try documents.check(attachments) } catch {
            throw VaultError.auth("the stored content of a document does not match the signed case: it was altered or swapped; nothing was sent")
        }
        return attachments
    }
}

extension OpenedBundle {
    /// The documents the bundle hands over with their content, by their number in the case.
    public var documents: [CaseDocument] {
        CaseDocument.list(in: fields).filter { attachments[$0.index] != nil }
    }

    /// Document `index` (`documents[index]`) decrypted into secure memory: its stream was checked
    /// against the signed reference when the bundle was opened; every chunk is checked again here.
    public func document(_ index: Int) throws(VaultError) -> (document: CaseDocument, content: SecureBytes) {
        let documents = try BundleDocuments(fields: fields, order: manifest.fields)
        guard let document = self.documents.first(where: { $0.index == index }), let entry = documents.entries.first(where: { $0.index == index }),
              let stream = attachments[index] else {
            throw .notFound("the bundle carries no document \(index + 1)")
        }
        return (document, try documents.open(entry, stream: stream, manifest: manifest))
    }
}
