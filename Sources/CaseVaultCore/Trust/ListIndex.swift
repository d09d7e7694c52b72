import Foundation
import SodiumKit

/// What one member's listing verified before, per case: the head it verified (by number and
/// chain hash), whether the member reaches the case, and the fields the listing shows. A
/// listing re-opens only the cases whose log-named head changed since, so that `case list`
/// and `tasks` cost little per unchanged case. The shown fields never touch disk in clear: the
/// index is sealed to the member's own box key, and a key agent opens it only after logging
/// the opening of every case it shows (docs/FORMAT.md, "List index").
struct ListIndex: Sendable, Equatable {
    static let header = "casevault-list-index v1"
    static var plaintextMagic: [UInt8] { ListIndexPlaintext.magic }
    static let macDomain = Array("casevault/v1/list-index\0".utf8)

    /// What the index is valid for: another vault, anchor, roster or policy makes every entry stale.
    struct Scope: Sendable, Equatable {
        var vaultID: VaultID
        var listing: String
        var anchorSerial: UInt64
        var rosterSerial: UInt64
        var policySerial: UInt64
    }

    struct Entry: Sendable, Equatable {
        var version: UInt64
        var hash: [UInt8]
        var reached: Bool
        var updated: Timestamp
        var assignments: [CaseVersion.Assignment]
        /// Empty when the member does not reach the case.
        var glance: [String: FieldValue]
    }

    var scope: Scope
    var entries: [CaseID: Entry] = [:]

    static func path(forKeyFile keyFile: String, vault: VaultID, listing: String) -> String {
        keyFile + "." + vault.hex + "." + listing + ".index"
    }

    // MARK: Sealed plaintext

    var plaintext: [UInt8] {
        var out = Self.plaintextMagic
        for c in entries.keys.sorted() {
            let e = entries[c]!
            let assigned = e.assignments.isEmpty ? "-" : e.assignments.map { "\($0.member):\($0.role)" }.joined(separator: ",")
            let glance = e.glance.isEmpty ? "-" : e.glance.keys.sorted().map { "\($0)=\(Hex.encode(e.glance[$0]!.encoded()))" }.joined(separator: ",")
            out += Array("case \(c.hex) \(e.version) \(Hex.encode(e.hash)) \(e.reached ? 1 : 0) \(e.updated.seconds) \(assigned) \(glance)\n".utf8)
        }
        return out
    }

    static func entries(in plaintext: UnsafeRawBufferPointer) -> [CaseID: Entry]? {
        guard plaintext.starts(with: plaintextMagic) else { return nil }
        var out: [CaseID: Entry] = [:]
        for line in plaintext.dropFirst(plaintextMagic.count).split(separator: UInt8(ascii: "\n")) {
            let p = line.split(separator: UInt8(ascii: " ")).map { String(decoding: $0, as: UTF8.self) }
            guard p.count == 8, p[0] == "case", let id = try? CaseID(p[1]), out[id] == nil, let version = UInt64(p[2]),
                  let hash = Hex.decode(p[3]), hash.count == 32, p[4] == "0" || p[4] == "1", let updated = Int64(p[5]) else { return nil }
            var assignments: [CaseVersion.Assignment] = []
            if p[6] != "-" {
                for a in p[6].split(separator: ",") {
                    let mr = a.split(separator: ":")
                    guard mr.count == 2 else { return nil }
                    assignments.append(.init(member: String(mr[0]), role: String(mr[1])))
                }
            }
            var glance: [String: FieldValue] = [:]
            if p[7] != "-" {
                for g in p[7].split(separator: ",") {
                    let kv = g.split(separator: "=")
                    guard kv.count == 2, let bytes = Hex.decode(String(kv[1])),
                          let value = bytes.withUnsafeBytes({ try? FieldValue.decode($0) }) else { return nil }
                    glance[String(kv[0])] = value
                }
            }
            out[id] = Entry(version: version, hash: hash, reached: p[4] == "1", updated: Timestamp(seconds: updated),
                            assignments: assignments, glance: glance)
        }
        return out
    }

    // MARK: The file: a clear scope, the sealed entries, a MAC over both

    var scopeText: String {
        "\(Self.header)\nvault \(scope.vaultID.hex)\nlisting \(scope.listing)\nanchor \(scope.anchorSerial)\nroster \(scope.rosterSerial)\npolicy \(scope.policySerial)\n"
    }

    static func mac(_ bytes: [UInt8], key: SymmetricKey) -> [UInt8] { BLAKE2b.hash(macDomain + bytes, key: key) }

    func fileBytes(sealedTo owner: BoxPublicKey, macKey: SymmetricKey) throws(VaultError) -> [UInt8] {
        let sealed: [UInt8]
        do {
            let secret = try plaintext.withUnsafeBytes { (p) throws(CryptoError) in try SecureBytes(copying: p) }
            sealed = try SealedBox.seal(secret, to: owner)
        } catch { throw .io("cannot seal the list index", cause: error) }
        let body = Array((scopeText + "sealed " + Base64.encode(sealed) + "\n").utf8)
        return body + Array("mac \(Hex.encode(Self.mac(body, key: macKey)))\n".utf8)
    }

    /// The scope and sealed entries of an index file, when its MAC holds and it is for `vault`
    /// and `listing`; nil otherwise (an index is a cache: a bad one is rebuilt, never trusted).
    static func parseFile(_ bytes: [UInt8], macKey: SymmetricKey, vault: VaultID, listing: String) -> (scope: Scope, sealed: [UInt8])? {
        let newline = UInt8(ascii: "\n")
        guard bytes.last == newline, let macStart = bytes.dropLast().lastIndex(of: newline).map({ $0 + 1 }),
              bytes[macStart...].starts(with: Array("mac ".utf8)),
              let mac = Hex.decode(String(decoding: bytes[(macStart + 4)..<(bytes.count - 1)], as: UTF8.self)), mac.count == 32,
              Memory.constantTimeEquals(Self.mac(Array(bytes[..<macStart]), key: macKey), mac) else { return nil }
        let lines = bytes[..<macStart].split(separator: newline).map { String(decoding: $0, as: UTF8.self) }
        func value(_ i: Int, _ key: String) -> String? {
            let prefix = key + " "
            return lines.count > i && lines[i].hasPrefix(prefix) ? String(lines[i].dropFirst(prefix.count)) : nil
        }
        guard lines.count == 7, lines[0] == header, value(1, "vault") == vault.hex, value(2, "listing") == listing,
              let anchor = value(3, "anchor").flatMap({ UInt64($0) }), let roster = value(4, "roster").flatMap({ UInt64($0) }),
              let policy = value(5, "policy").flatMap({ UInt64($0) }), let sealed = value(6, "sealed").flatMap(Base64.decode) else { return nil }
        return (Scope(vaultID: vault, listing: listing, anchorSerial: anchor, rosterSerial: roster, policySerial: policy), sealed)
    }
}

/// Opens a sealed list index. A key agent conforms: it logs the opening of every case the
/// index shows before it returns the plaintext, as it does before it hands out a case's keys.
package protocol ListIndexOpener: Sendable {
    func openListIndex(_ sealed: [UInt8], vaultDirectory: String) throws(VaultError) -> SecureBytes
}

/// What a key agent needs to know of a list index's plaintext.
package enum ListIndexPlaintext {
    /// The first line of the sealed plaintext: how a key agent recognises an index, which it
    /// opens only through its own, logging request.
    static let magic = Array("casevault-list-index v1\n".utf8)

    package static func isIndex(_ plaintext: UnsafeRawBufferPointer) -> Bool { plaintext.starts(with: magic) }

    /// The cases whose glance the plaintext holds: what a key agent logs as opened before it
    /// returns the plaintext. Nil when the plaintext is not an index.
    package static func shownCases(in plaintext: UnsafeRawBufferPointer) -> [CaseID]? {
        guard plaintext.starts(with: magic) else { return nil }
        var out: [CaseID] = []
        for line in plaintext.dropFirst(magic.count).split(separator: UInt8(ascii: "\n")) {
            let parts = line.split(separator: UInt8(ascii: " "))
            guard parts.count == 8, let id = try? CaseID(String(decoding: parts[1], as: UTF8.self)) else { return nil }
            if parts[4].elementsEqual([UInt8(ascii: "1")]) { out.append(id) }
        }
        return out
    }

}
