import SodiumKit

/// Content for case-document tests: a PDF carrying a canary string, and the moves between
/// ordinary arrays and secure memory that the tests (not the code under test) make.
enum TestDocument {
    /// A PDF holding `canary` among filler, `size` bytes long.
    static func pdf(_ canary: String, size: Int = 3000) -> [UInt8] {
        var b = Array("%PDF-1.7\n".utf8) + Array(canary.utf8)
        b += [UInt8](repeating: 0x20, count: max(0, size - b.count))
        return b
    }

    static func secure(_ b: [UInt8]) throws -> SecureBytes {
        var copy = b
        return try SecureBytes(consuming: &copy)
    }

    static func bytes(_ s: SecureBytes) -> [UInt8] { s.withUnsafeBytes { Array($0) } }
}
