import Foundation
import SodiumKit
import TransparencyLog

/// What one client has seen of one vault, kept outside the vault so that the vault cannot be
/// turned back to an older state unnoticed: the newest roster and policy serials, the log
/// checkpoint, what the log names (`LoggedState`: followed entry by entry), and the last re-anchor serial. Stored in `KEYFILE.<vault-id>.state`,
/// authenticated with a MAC key derived from the owner's secret key (docs/FORMAT.md, "Client state file").
public struct ClientState: Sendable, Equatable {
    static let header = "casevault-client-state v2"
    /// The format before the log follower: still read, and its owner's log followed again from entry 0.
    static let previousHeader = "casevault-client-state v1"
    public static let keyDomain = "casevault/v1/client-state-key"
    static let macDomain = Array("casevault/v1/client-state\0".utf8)

    var vaultID: VaultID
    var anchorSerial: UInt64 = 0
    var rosterSerial: UInt64 = 0
    var policySerial: UInt64 = 0
    var logSize: UInt64 = 0
    var logRoot: [UInt8] = []
    /// The log's right edge at `logSize` (nil when only the root is known, after a re-anchor).
    var logRange: CompactRange?
    var logged = LoggedState()

    static func path(forKeyFile keyFile: String, vault: VaultID) -> String { keyFile + "." + vault.hex + ".state" }

    var body: [UInt8] {
        var out = Array(([Self.header, "vault \(vaultID.hex)", "anchor \(anchorSerial)", "roster \(rosterSerial)", "policy \(policySerial)",
                          "log \(logSize) \(logSize == 0 ? "-" : Hex.encode(logRoot)) \(logRange.map(Self.rangeText) ?? "-")"]
            .joined(separator: "\n") + "\n").utf8)
        logged.appendText(to: &out)
        return out
    }

    static func rangeText(_ r: CompactRange) -> String { r.hashes.isEmpty ? "" : r.hashes.map(Hex.encode).joined(separator: ",") }

    static func mac(_ body: ArraySlice<UInt8>, key: SymmetricKey) -> [UInt8] { BLAKE2b.hash(macDomain + body, key: key) }

    /// Names the state key without revealing it (the MAC of an empty body), so that a state
    /// parsed under one key is never reused under another.
    static func keyTag(_ key: SymmetricKey) -> [UInt8] { mac([], key: key) }

    func fileBytes(key: SymmetricKey) -> [UInt8] {
        let body = body
        return body + Array("mac \(Hex.encode(Self.mac(body[...], key: key)))\n".utf8)
    }

    static func parse(_ text: String, key: SymmetricKey, vault: VaultID, path: String) throws(VaultError) -> ClientState {
        // Split as bytes, not as Characters: the file holds a line per case the log names.
        let bytes = Array(text.utf8), newline = UInt8(ascii: "\n")
        let macLine = Array("mac ".utf8)
        guard bytes.last == newline, let lastStart = bytes.dropLast().lastIndex(of: newline).map({ $0 + 1 }) ?? (bytes.isEmpty ? nil : 0),
              bytes[lastStart...].starts(with: macLine),
              let mac = Hex.decode(String(decoding: bytes[(lastStart + macLine.count)..<(bytes.count - 1)], as: UTF8.self)), mac.count == 32
        else { throw .format("client state file \(path) is malformed") }
        let body = bytes[..<lastStart]
        let rawLines = body.split(separator: newline)
        if let first = rawLines.first.map({ String(decoding: $0, as: UTF8.self) }), first != Self.header, first != Self.previousHeader,
           first.hasPrefix("casevault-client-state ") {
            throw .format("client state format \"\(first)\" is not supported")
        }
        guard Memory.constantTimeEquals(Self.mac(body, key: key), mac) else {
            throw .auth("client state file \(path) does not authenticate with this key (altered, or another key's)")
        }
        // The six header lines as words; the log follower's lines are read as bytes.
        let lines = rawLines.prefix(6).map { $0.split(separator: UInt8(ascii: " ")).map { String(decoding: $0, as: UTF8.self) } }
        func fail() -> VaultError { .format("client state file \(path) is malformed") }
        let previous = lines.first == ["casevault-client-state", "v1"]
        guard lines.count >= 6, previous || lines[0] == ["casevault-client-state", "v2"], lines[1].count == 2, lines[1][0] == "vault",
              VaultID(hex: lines[1][1]) == vault else { throw fail() }
        func number(_ line: [String], _ key: String) throws(VaultError) -> UInt64 {
            guard line.count == 2, line[0] == key, let n = UInt64(line[1]) else { throw fail() }
            return n
        }
        var state = ClientState(vaultID: vault)
        state.anchorSerial = try number(lines[2], "anchor")
        state.rosterSerial = try number(lines[3], "roster")
        state.policySerial = try number(lines[4], "policy")
        guard lines[5].count == 4, lines[5][0] == "log", let size = UInt64(lines[5][1]) else { throw fail() }
        state.logSize = size
        if size > 0 {
            guard let root = Hex.decode(lines[5][2]), root.count == 32 else { throw fail() }
            state.logRoot = root
        }
        if lines[5][3] != "-" {
            let hashes = lines[5][3].split(separator: ",", omittingEmptySubsequences: false).map { Hex.decode(String($0)) }
            guard !hashes.contains(where: { $0 == nil }), let range = try? CompactRange(size: size, hashes: hashes.map { $0! }),
                  size == 0 || range.root == state.logRoot else { throw fail() }
            state.logRange = range
        }
        // A v1 file remembered the case heads this client read, not what the log names: its
        // owner's client follows the log again from entry 0 (the log itself is still checked
        // to extend the remembered checkpoint).
        if previous { return state }
        guard let logged = LoggedState.parse(rawLines[6...]) else { throw fail() }
        state.logged = logged
        return state
    }
}
