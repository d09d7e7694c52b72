import Foundation

/// `KEYFILE.trust`: the centre root fingerprint of every vault this key file's owner belongs to,
/// each confirmed by its owner (read out by the leader, or pinned by `init`). Never learned from a
/// vault. Versioned text, mode 0600, replaced atomically (docs/FORMAT.md, "Trust file").
public struct TrustFile: Sendable, Equatable {
    static let header = "casevault-trust v1"

    /// Vault id (hex) → root fingerprint, normalised (32 lower-case hex digits, no spaces).
    public private(set) var pins: [String: String] = [:]

    public init() {}

    public static func path(forKeyFile keyFile: String) -> String { keyFile + ".trust" }

    /// The trust file beside `keyFile`, or an empty one when there is none yet.
    public static func load(forKeyFile keyFile: String) throws(VaultError) -> TrustFile {
        let path = path(forKeyFile: keyFile)
        guard FileManager.default.fileExists(atPath: path) else { return TrustFile() }
        return try parse(String(decoding: try SecureFile.readPrivate(path, what: "trust file"), as: UTF8.self), path: path)
    }

    static func parse(_ text: String, path: String) throws(VaultError) -> TrustFile {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard text.hasSuffix("\n"), lines.removeLast().isEmpty, let first = lines.first else { throw .format("trust file \(path) is malformed") }
        guard first == header else {
            if first.hasPrefix("casevault-trust ") { throw .format("trust file format \"\(first)\" is not supported") }
            throw .format("\(path) is not a CaseVault trust file")
        }
        var file = TrustFile()
        for line in lines.dropFirst() {
            let parts = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 4, parts[0] == "vault", parts[2] == "root", VaultID(hex: parts[1]) != nil,
                  parts[3].count == 32, normalise(parts[3]) == parts[3], file.pins[parts[1]] == nil
            else { throw .format("trust file \(path) has a malformed line") }
            file.pins[parts[1]] = parts[3]
        }
        return file
    }

    var text: String {
        ([Self.header] + pins.keys.sorted().map { "vault \($0) root \(pins[$0]!)" }).joined(separator: "\n") + "\n"
    }

    public func pin(for vault: VaultID) -> String? { pins[vault.hex] }

    /// Pins `fingerprint` for `vault`; a different pin already there is never silently replaced.
    public mutating func add(vault: VaultID, fingerprint: String) throws(VaultError) {
        let fp = Self.normalise(fingerprint)
        guard fp.count == 32, fp.allSatisfy({ $0.isHexDigit }) else { throw .input("a root fingerprint is 32 hex digits (spaces allowed)") }
        if let old = pins[vault.hex], old != fp {
            throw .refused("vault \(vault.hex) is already pinned to root \(Self.display(old)); remove that line from the trust file only if the leader confirms a new root")
        }
        pins[vault.hex] = fp
    }

    public func save(forKeyFile keyFile: String) throws(VaultError) {
        try SecureFile.replaceAtomically(Self.path(forKeyFile: keyFile), Array(text.utf8))
    }

    static func normalise(_ s: String) -> String { s.lowercased().filter { !$0.isWhitespace } }

    /// Groups of four, as `Fingerprint.format` prints them.
    static func display(_ normalised: String) -> String {
        let c = Array(normalised)
        return stride(from: 0, to: c.count, by: 4).map { String(c[$0..<min($0 + 4, c.count)]) }.joined(separator: " ")
    }
}
