import Foundation
import TestVectors

// Generic loader for the Project Wycheproof (testvectors_v1) files vendored in Tests/Vectors/wycheproof.

enum Wycheproof {
    enum Result: String, Decodable, Sendable { case valid, invalid, acceptable }

    /// The top level common to every schema; `Group` is the schema-specific test group.
    struct File<Group: Decodable>: Decodable {
        let algorithm: String
        let numberOfTests: Int
        let testGroups: [Group]
    }

    /// Decodes `name` as `File<Group>`; a missing or unreadable file throws, failing the test.
    static func load<Group: Decodable>(_ name: String, group: Group.Type = Group.self) throws -> File<Group> {
        try JSONDecoder().decode(File<Group>.self, from: TestVectors.data("wycheproof/" + name))
    }
}

/// A hex string in the vector file, decoded to bytes (decoding fails on malformed hex).
struct HexBytes: Decodable, Sendable {
    let bytes: [UInt8]

    init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let b = parseHex(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad hex"))
        }
        bytes = b
    }
}
