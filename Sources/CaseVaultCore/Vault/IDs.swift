import SodiumKit

/// A vault's random 16-byte id.
public struct VaultID: Hashable, Sendable {
    public let bytes: [UInt8]
    public static func random() -> VaultID { VaultID(unchecked: Random.bytes(16)) }
    init(unchecked bytes: [UInt8]) { self.bytes = bytes }
    public init?(hex: String) {
        guard let b = Hex.decode(hex), b.count == 16 else { return nil }
        bytes = b
    }
    public var hex: String { Hex.encode(bytes) }
}

/// A case's random id: 10 bytes, shown as 20 hex digits. Says nothing about the person.
public struct CaseID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let bytes: [UInt8]
    public static func random() -> CaseID { CaseID(unchecked: Random.bytes(10)) }
    init(unchecked bytes: [UInt8]) { self.bytes = bytes }
    public init(_ text: String) throws(VaultError) {
        guard let b = Hex.decode(text), b.count == 10 else { throw .input("invalid case id \"\(text.prefix(40))\": expected 20 lower-case hex digits") }
        bytes = b
    }
    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }
    public static func < (a: CaseID, b: CaseID) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}
