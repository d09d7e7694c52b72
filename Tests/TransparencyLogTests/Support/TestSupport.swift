import Foundation
import SodiumKit
import TestVectors
import TransparencyLog
import XCTest

/// Asserts that `expression` throws exactly `expected`.
func XCTAssertLogError<T>(
    _ expression: @autoclosure () throws -> T, _ expected: LogError,
    file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertThrowsError(try expression(), file: file, line: line) { error in
        XCTAssertEqual(error as? LogError, expected, "got \(error)", file: file, line: line)
    }
}

enum Fixtures {
    /// A deterministic Ed25519 key: the seed is 32 copies of `fill`.
    static func secretKey(_ fill: UInt8) -> SigningSecretKey {
        seededKey([UInt8](repeating: fill, count: 32))
    }

    static func seededKey(_ seed: [UInt8]) -> SigningSecretKey {
        var seed = seed
        return try! SigningSecretKey(seed: SecureBytes(consuming: &seed))
    }

    static let logSigner = try! NoteSigner(name: "log.casevault.example", secretKey: secretKey(1))
    static let otherSigner = try! NoteSigner(name: "other.example", secretKey: secretKey(2))
    static let witness = try! CosignatureSigner(name: "witness.example/w1", secretKey: secretKey(3))
    static let secondWitness = try! CosignatureSigner(name: "witness.example/w2", secretKey: secretKey(4))

    static func base64(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> [UInt8] {
        if let bytes = Base64.decode(text) { return bytes }
        XCTFail("not canonical base64: \(text)", file: file, line: line)
        return []
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
}

/// Loads the conformance vectors vendored in Tests/Vectors; a missing folder or file fails the test.
enum Vectors {
    static func folder(_ name: String) throws -> URL { try TestVectors.url(name) }

    /// Every `.json` file below `folder`, decoded as `V`, in a stable order.
    static func load<V: Decodable>(_: V.Type, below folder: URL) throws -> [(name: String, vector: V)] {
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        var files: [URL] = []
        while let url = enumerator?.nextObject() as? URL {
            if url.pathExtension == "json" { files.append(url) }
        }
        return try files.sorted { $0.path < $1.path }.map { url in
            let name = String(url.path.dropFirst(folder.path.count + 1))
            do {
                return (name, try JSONDecoder().decode(V.self, from: Data(contentsOf: url)))
            } catch {
                XCTFail("cannot decode \(name): \(error)")
                throw error
            }
        }
    }
}

/// RFC 6962 §2.1 written out as directly as possible, as an independent oracle for the
/// optimised tree: MTH, PATH and SUBPROOF by plain recursion over arrays.
enum Reference {
    static func leafHash(_ entry: [UInt8]) -> [UInt8] { SHA256.hash([0x00] + entry) }
    static func nodeHash(_ l: [UInt8], _ r: [UInt8]) -> [UInt8] { SHA256.hash([0x01] + l + r) }

    static func split(_ n: Int) -> Int {
        var k = 1
        while k * 2 < n { k *= 2 }
        return k
    }

    static func mth(_ d: ArraySlice<[UInt8]>) -> [UInt8] {
        switch d.count {
        case 0: return Hex.decode("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")!
        case 1: return d.first!
        default:
            let k = split(d.count)
            return nodeHash(mth(d.prefix(k)), mth(d.dropFirst(k)))
        }
    }

    static func path(_ m: Int, _ d: ArraySlice<[UInt8]>) -> [[UInt8]] {
        guard d.count > 1 else { return [] }
        let k = split(d.count)
        return m < k
            ? path(m, d.prefix(k)) + [mth(d.dropFirst(k))]
            : path(m - k, d.dropFirst(k)) + [mth(d.prefix(k))]
    }

    static func subproof(_ m: Int, _ d: ArraySlice<[UInt8]>, _ b: Bool) -> [[UInt8]] {
        if m == d.count { return b ? [] : [mth(d)] }
        let k = split(d.count)
        return m <= k
            ? subproof(m, d.prefix(k), b) + [mth(d.dropFirst(k))]
            : subproof(m - k, d.dropFirst(k), false) + [mth(d.prefix(k))]
    }

    static func leaves(_ count: Int) -> [[UInt8]] {
        (0..<count).map { leafHash(Array("entry \($0)".utf8)) }
    }
}
