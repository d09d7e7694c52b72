import AccessPolicy
import SodiumKit

/// One document of a case as its reader sees it (no key, no blob id).
public struct CaseDocument: Sendable, Equatable {
    /// The entry's index: `documents[index]`.
    public let index: Int
    public let title: String
    public let kind: DocumentKind
    /// The exact size in bytes (the stored size is padded).
    public let size: Int
    /// The Oslo date it was added, `YYYY-MM-DD`.
    public let added: String
}

extension OpenedCase {
    /// The documents whose every field this reader opened, by index.
    public var documents: [CaseDocument] { CaseDocument.list(in: fields) }

    /// The sealed reference of document `index`, if this reader opened it.
    func documentReference(_ index: Int) throws(VaultError) -> DocumentReference? {
        guard case let .text(text)? = fields["documents[\(index)].content"] else { return nil }
        return try DocumentReference(fieldText: text)
    }
}

extension CaseDocument {
    /// The documents of which `fields` hold every field, by index (a case read or a bundle).
    static func list(in fields: [String: FieldValue]) -> [CaseDocument] {
        var indices = Set<Int>()
        for path in fields.keys where path.hasPrefix("documents[") {
            if let i = RecordPatch.index(of: path, in: "documents") { indices.insert(i) }
        }
        return indices.sorted().compactMap { i in
            let p = "documents[\(i)]."
            guard case let .text(title)? = fields[p + "title"], case let .text(k)? = fields[p + "kind"], let kind = DocumentKind(rawValue: k),
                  case let .integer(size)? = fields[p + "size"], case let .text(added)? = fields[p + "added"], fields[p + "content"] != nil
            else { return nil }
            return CaseDocument(index: i, title: title, kind: kind, size: size, added: added)
        }
    }
}

/// Adding and reading case documents. A document's content is encrypted before it reaches the
/// database and its key travels only inside the case's sealed `documents[].content`: who may
/// read a document is decided by who can open that field, not by a check here.
struct DocumentOperations: SessionBound {
    let session: Session

    /// Adds `content` as the next `documents[]` entry: one new signed version, written through
    /// the case's one version-writing path, with the blob row in the same transaction.
    func add(_ caseID: CaseID, content: SecureBytes, title: String, reason: String?) throws(VaultError) -> (version: UInt64, index: Int) {
        let kind = try content.withUnsafeBytes { c throws(VaultError) in try DocumentRules.check(c) }
        guard let titleSpec = FieldCatalog.spec(forPattern: "documents[].title") else { throw .format("the catalogue has no documents") }
        let titleValue = try RecordParser(allowSyntheticIDs: false).value(.scalar(title, quoted: true), spec: titleSpec, path: "documents[].title")
        let key: SymmetricKey
        do { key = try SymmetricKey.generate() } catch { throw .io("no document key: \(error)") }
        let blobID = Random.bytes(16)
        let blob = try DocumentCipher.seal(content, key: key, context: .init(vault: vault.vaultID, caseID: caseID, blobID: blobID))
        let reference = DocumentReference(blobID: blobID, digest: DocumentCipher.digest(of: blob), key: key)
        var index = 0
        var carried = 0
        let version = try CaseOperations(session: session).rewrite(caseID, action: .caseUpdate, reason: reason, carriedCount: &carried) { state, opened in
            // Sealed entries count too: an index is never given to a second document.
            let taken = (Array(opened.fields.keys) + opened.sealedFields.map(\.path)).compactMap { RecordPatch.index(of: $0, in: "documents") }
            index = (taken.max() ?? -1) + 1
            guard FieldCatalog.pattern(ofPath: "documents[\(index)]") != nil else {
                throw VaultError.input("the case already holds its largest number of documents")
            }
            let p = "documents[\(index)]."
            let written: [String: FieldValue] = [
                p + "title": titleValue, p + "kind": .text(kind.rawValue), p + "size": .integer(content.count),
                p + "added": .text(clock.now().osloDateField), p + "content": .text(reference.fieldText),
            ]
            let access = CaseAccess(policy: state.policy, roster: state.roster, assignments: opened.latest.assignments)
            for path in written.keys.sorted() {
                if case let .denied(why) = access.writeDecision(member, path: path) { throw VaultError.denied(why) }
            }
            return (written, [], opened.latest.assignments)
        } then: { _, db, _ in
            try db.insertDocumentBlob(blobID, caseID: caseID, content: blob)
        }
        return (version, index)
    }

    /// Document `index`'s content, after the case is opened through the logged read path: the
    /// blob's digest is checked against the signed reference, then the stream is decrypted.
    func read(_ caseID: CaseID, index: Int, reason: String?) throws(VaultError) -> (document: CaseDocument, content: SecureBytes) {
        let opened = try CaseOperations(session: session).showCase(caseID, reason: reason)
        guard let document = opened.documents.first(where: { $0.index == index }), let reference = try opened.documentReference(index) else {
            throw .notFound("case \(caseID) has no document \(index + 1) that you may read")
        }
        guard let blob = try vault.read({ db in try db.documentBlob(reference.blobID, caseID: caseID) }) else {
            throw .notFound("the content of document \(index + 1) is not in this vault")
        }
        guard Memory.constantTimeEquals(DocumentCipher.digest(of: blob), reference.digest) else {
            throw .auth("the stored content of document \(index + 1) does not match the signed case: it was altered or swapped")
        }
        let content = try DocumentCipher.open(blob, key: reference.key, context: .init(vault: vault.vaultID, caseID: caseID, blobID: reference.blobID),
                                              size: document.size)
        return (document, content)
    }
}

extension Session {
    /// Adds a PDF, JPEG or PNG document to a case (see `DocumentOperations.add`). Returns the
    /// new version and the document's index (`documents[index]`).
    @discardableResult
    public func addDocument(_ caseID: CaseID, content: SecureBytes, title: String, reason: String? = nil) throws(VaultError) -> (version: UInt64, index: Int) {
        try loggingRefusal("case.document.add", caseID: caseID) { () throws(VaultError) in
            try DocumentOperations(session: self).add(caseID, content: content, title: title, reason: reason)
        }
    }

    /// The documents of a case this member may read; opening the case is logged as a read.
    public func documents(_ caseID: CaseID, reason: String? = nil) throws(VaultError) -> [CaseDocument] {
        try showCase(caseID, reason: reason).documents
    }

    /// Document `index` of a case, decrypted into secure memory; the read is logged.
    public func readDocument(_ caseID: CaseID, index: Int, reason: String? = nil) throws(VaultError) -> (document: CaseDocument, content: SecureBytes) {
        try loggingRefusal("case.document.get", caseID: caseID) { () throws(VaultError) in
            try DocumentOperations(session: self).read(caseID, index: index, reason: reason)
        }
    }
}
