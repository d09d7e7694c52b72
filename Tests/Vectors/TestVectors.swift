import Foundation

/// The conformance vectors vendored beside this file (see README.md here). A missing file is an
/// error, so a test that needs it fails: coverage never silently shrinks.
public enum TestVectors {
    public struct Missing: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "test vector not found: \(path)" }
    }

    /// This folder, Tests/Vectors, in the checkout being tested.
    public static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    /// The file or folder at `path` below Tests/Vectors, e.g. "merkle/roots.json".
    public static func url(_ path: String) throws -> URL {
        let url = folder.appendingPathComponent(path)
        guard FileManager.default.fileExists(atPath: url.path) else { throw Missing(path: url.path) }
        return url
    }

    public static func data(_ path: String) throws -> Data { try Data(contentsOf: url(path)) }
}
