import Foundation
import XCTest

// Generic loader for Project Wycheproof (testvectors_v1) files in ../shared/vectors/wycheproof.

enum Wycheproof {
    enum Result: String, Decodable, Sendable { case valid, invalid, acceptable }

    /// The top level common to every schema; `Group` is the schema-specific test group.
    struct File<Group: Decodable>: Decodable {
        let algorithm: String
        let numberOfTests: Int
        let testGroups: [Group]
    }

    /// The vector folder beside the checkout: repo root (the folder holding Package.swift) + ../shared/vectors/wycheproof.
    static func directory(filePath: String = #filePath) -> URL {
        var dir = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("../shared/vectors/wycheproof").standardizedFileURL
    }

    /// Decodes `name` as `File<Group>`; throws `XCTSkip` (with a printed notice) if the folder is absent.
    static func load<Group: Decodable>(_ name: String, group: Group.Type = Group.self) throws -> File<Group> {
        let dir = directory()
        guard FileManager.default.fileExists(atPath: dir.path) else {
            let notice = "Wycheproof vectors not found at \(dir.path); skipping \(name)"
            print("NOTICE: \(notice)")
            throw XCTSkip(notice)
        }
        // The folder is there, so a missing or unreadable file is a failure, not a skip.
        return try JSONDecoder().decode(File<Group>.self, from: Data(contentsOf: dir.appendingPathComponent(name)))
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
