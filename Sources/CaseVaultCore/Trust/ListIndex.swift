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

    // MARK: Sealed plaintext: the magic line, then the entries in binary, by case id

    var plaintext: [UInt8] {
        var w = ByteWriter()
        w.raw(Self.plaintextMagic)
        w.u32(UInt32(entries.count))
        for c in entries.keys.sorted() {
            let e = entries[c]!
            w.raw(c.bytes)
            w.u64(e.version)
            w.raw(e.hash)
            w.u8(e.reached ? 1 : 0)
            w.i64(e.updated.seconds)
            w.u32(UInt32(e.assignments.count))
            for a in e.assignments {
                w.string(a.member)
                w.string(a.role)
            }
            w.u32(UInt32(e.glance.count))
            for path in e.glance.keys.sorted() {
                w.string(path)
                w.data(e.glance[path]!.encoded())
            }
        }
        return w.bytes
    }

    static func entries(in plaintext: UnsafeRawBufferPointer) -> [CaseID: Entry]? {
        guard plaintext.starts(with: plaintextMagic) else { return nil }
        var r = ByteReader(Array(plaintext.dropFirst(plaintextMagic.count)))
        do {
            var out: [CaseID: Entry] = [:]
            for _ in 0..<(try r.count()) {
                let id = CaseID(unchecked: try r.raw(10))
                let version = try r.u64(), hash = try r.raw(32), reached = try r.u8(), updated = try r.i64()
                guard reached <= 1, out[id] == nil else { return nil }
                var assignments: [CaseVersion.Assignment] = []
                for _ in 0..<(try r.count()) { assignments.append(.init(member: try r.string(), role: try r.string())) }
                let fieldCount = try r.count()
                var glance: [String: FieldValue] = [:]
                glance.reserveCapacity(fieldCount)
                for _ in 0..<fieldCount {
                    let path = try r.string()
                    guard let value = try r.withData({ try? FieldValue.decode($0) }) else { return nil }
                    glance[path] = value
                }
                out[id] = Entry(version: version, hash: hash, reached: reached == 1, updated: Timestamp(seconds: updated),
                                assignments: assignments, glance: glance)
            }
            try r.expectEnd()
            return out
        } catch { return nil }
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
        // The sealed line is most of the file: it is decoded from the bytes, never made a String.
        // Line by line with `firstIndex(of:)`: a generic split walks the sealed line byte by byte through a closure.
        var raw: [ArraySlice<UInt8>] = []
        var start = 0
        while start < macStart, raw.count < 8 {
            let end = bytes[start..<macStart].firstIndex(of: newline) ?? macStart
            raw.append(bytes[start..<end])
            start = end + 1
        }
        let lines = raw.prefix(6).map { String(decoding: $0, as: UTF8.self) }
        func value(_ i: Int, _ key: String) -> String? {
            let prefix = key + " "
            return lines.count > i && lines[i].hasPrefix(prefix) ? String(lines[i].dropFirst(prefix.count)) : nil
        }
        let sealedPrefix = Array("sealed ".utf8)
        guard raw.count == 7, lines[0] == header, value(1, "vault") == vault.hex, value(2, "listing") == listing,
              let anchor = value(3, "anchor").flatMap({ UInt64($0) }), let roster = value(4, "roster").flatMap({ UInt64($0) }),
              let policy = value(5, "policy").flatMap({ UInt64($0) }), let last = raw.last, last.starts(with: sealedPrefix),
              let sealed = Base64.decode(bytes: last.dropFirst(sealedPrefix.count)) else { return nil }
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

    /// The cases whose glance the plaintext holds (those the member reaches): what a key agent
    /// logs as opened before it returns the plaintext. Nil when the plaintext is not an index.
    package static func shownCases(in plaintext: UnsafeRawBufferPointer) -> [CaseID]? {
        ListIndex.entries(in: plaintext).map { $0.filter(\.value.reached).keys.sorted() }
    }
}
