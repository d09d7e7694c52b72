import AccessPolicy

/// What a case document is, told by its first bytes, never by a file name: a file that is not
/// one of these is refused before anything is stored.
public enum DocumentKind: String, Sendable, CaseIterable {
    case pdf, jpeg, png

    private var magic: [UInt8] {
        switch self {
        case .pdf: Array("%PDF-".utf8)
        case .jpeg: [0xFF, 0xD8, 0xFF]
        case .png: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        }
    }

    /// The kind whose signature `content` starts with, or nil.
    static func detect(_ content: UnsafeRawBufferPointer) -> DocumentKind? {
        allCases.first { kind in content.count >= kind.magic.count && zip(content, kind.magic).allSatisfy { $0 == $1 } }
    }

    /// A file name's ending for a document of this kind.
    public var fileExtension: String { self == .jpeg ? "jpg" : rawValue }
}

/// The size limit, and the refusals for content that cannot be a case document.
enum DocumentRules {
    static let maxBytes = FieldCatalog.maxDocumentBytes

    static func check(_ content: UnsafeRawBufferPointer) throws(VaultError) -> DocumentKind {
        guard !content.isEmpty else { throw .input("the document is empty") }
        guard content.count <= maxBytes else {
            throw .input("the document is \(content.count) bytes; at most \(maxBytes) (20 MiB) are allowed")
        }
        guard let kind = DocumentKind.detect(content) else {
            throw .input("the document is not a PDF, JPEG or PNG file (told by its first bytes); nothing was stored")
        }
        return kind
    }
}
