import Foundation
import AccessPolicy
import SodiumKit

/// The signed list of who belongs to the vault and with which keys (docs/FORMAT.md, "Roster").
/// Its text form is both what reviewers read in Keys/keyring.txt and exactly what the centre root signs.
public struct Roster: Sendable, Equatable {
    /// Version 2 adds the `centre` line; version 1 rosters (older vaults) are still read.
    public static let header = "casevault-roster v2"
    static let formatOneHeader = "casevault-roster v1"
    static let signatureDomain = Array("casevault/v1/roster\0".utf8)

    public var vaultID: VaultID
    /// The centre's name as `init --centre` set it: signed, so a recipient shows this and not
    /// what a sender typed. Nil only in a version-1 roster.
    public var centre: String?
    public var serial: UInt64
    public var rootKey: SigningPublicKey
    public var issued: Timestamp
    public var entries: [RosterEntry]

    public init(vaultID: VaultID, centre: String? = nil, serial: UInt64, rootKey: SigningPublicKey, issued: Timestamp, entries: [RosterEntry]) {
        self.vaultID = vaultID
        self.centre = centre
        self.serial = serial
        self.rootKey = rootKey
        self.issued = issued
        self.entries = entries
    }

    /// The centre root key's fingerprint, as recipients compare it.
    public var rootFingerprint: String { Fingerprint.root(rootKey) }

    public func entry(_ id: String) -> RosterEntry? { entries.first { $0.id == id } }

    public func entry(for identity: PublicIdentity) -> RosterEntry? { entries.first { $0.identity == identity } }

    public var members: [RosterEntry] { entries.filter { $0.kind == .member } }

    /// The canonical text that the root key signs.
    public var text: String {
        var lines = centre.map { [Self.header, "vault \(vaultID.hex)", "centre \($0)"] } ?? [Self.formatOneHeader, "vault \(vaultID.hex)"]
        lines += ["serial \(serial)", "root \(Base64.encode(rootKey.bytes))", "issued \(issued.rfc3339)"]
        for e in entries {
            lines.append("")
            lines.append(e.certifiedText.trimmingSuffixNewline())
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func signature(by root: SigningSecretKey) -> [UInt8] {
        root.signature(for: Self.signatureDomain + Array(text.utf8))
    }

    /// Signs each entry's certificate (deterministic Ed25519: an unchanged entry keeps its certificate).
    package mutating func certifyEntries(with root: SigningSecretKey) {
        for i in entries.indices {
            entries[i].certificate = root.signature(for: RosterEntry.certificateMessage(block: entries[i].blockText, vault: vaultID))
        }
    }
}

/// A roster with the centre root's signature, as stored and exported (`… \nsignature <base64>\n`).
public struct SignedRoster: Sendable, Equatable {
    public let roster: Roster
    public let signature: [UInt8]

    public var fileText: String { roster.text + "\nsignature \(Base64.encode(signature))\n" }

    static let hashDomain = Array("casevault/v2/roster-hash\0".utf8)

    /// `BLAKE2b-256("casevault/v2/roster-hash\0" ‖ file text)`: how a log entry names this roster.
    public var hash: [UInt8] { BLAKE2b.hash(Self.hashDomain + Array(fileText.utf8)) }

    package init(roster: Roster, signedBy root: SigningSecretKey) throws(VaultError) {
        guard root.publicKey == roster.rootKey else { throw .denied("this key file does not hold the centre root key") }
        var roster = roster
        roster.certifyEntries(with: root)
        self.roster = roster
        self.signature = roster.signature(by: root)
    }

    /// Parses and verifies a roster whose root key is known only by its fingerprint (a recipient
    /// holds the fingerprint it confirmed out of band).
    public init(fileText: String, trustedFingerprint: String) throws(VaultError) {
        let head = fileText.split(separator: "\n", maxSplits: 7, omittingEmptySubsequences: false).prefix(7)
        guard let line = head.first(where: { $0.hasPrefix("root ") }), let bytes = Base64.decode(String(line.dropFirst(5))),
              let root = try? SigningPublicKey(bytes: bytes) else { throw .format("the roster names no centre root key") }
        guard Fingerprint.matches(trustedFingerprint, Fingerprint.root(root)) else {
            throw .auth("the roster's centre root is not the one you trust (fingerprint \(Fingerprint.root(root)))")
        }
        try self.init(fileText: fileText, trustedRoot: root)
    }

    /// Parses and verifies against the trusted root key. Refuses non-canonical text, so one
    /// roster has exactly one signed spelling.
    public init(fileText: String, trustedRoot: SigningPublicKey) throws(VaultError) {
        guard let sigLineStart = fileText.range(of: "\nsignature ", options: .backwards) else {
            throw .format("keyring is not signed")
        }
        let body = String(fileText[..<sigLineStart.lowerBound])
        let sigText = fileText[sigLineStart.upperBound...].trimmingSuffixNewline()
        guard fileText.hasSuffix("\n"), let sig = Base64.decode(sigText), sig.count == 64,
              fileText == body + "\nsignature \(Base64.encode(sig))\n"  // one spelling: no extra lines, canonical base64
        else {
            throw .format("keyring signature line is malformed")
        }
        let roster = try RosterParser.parse(String(body.dropLast()))
        guard roster.text == body, Array(body.utf8).last == 0x0A else { throw .format("keyring text is not in canonical form") }
        guard roster.rootKey == trustedRoot else { throw .auth("keyring names a different centre root key") }
        do { try trustedRoot.verify(sig, for: Roster.signatureDomain + Array(body.utf8)) } catch {
            throw .auth("keyring signature does not verify under the centre root key", cause: error)
        }
        for e in roster.entries {
            do { try trustedRoot.verify(e.certificate, for: RosterEntry.certificateMessage(block: e.blockText, vault: roster.vaultID)) } catch {
                throw .auth("keyring entry \(e.id) has a certificate that does not verify", cause: error)
            }
        }
        self.roster = roster
        self.signature = sig
    }
}

enum RosterParser {
    static func parse(_ text: String) throws(VaultError) -> Roster {
        let blocks = text.components(separatedBy: "\n\n")
        var head = blocks[0].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var centre: String?
        if head.count == 6, head[0] == Roster.header {
            let name = try value(head[2], "centre")
            do { try RosterEntry.validate(name: name) } catch { throw .format("keyring centre name is malformed", cause: error) }
            centre = name
            head.remove(at: 2)
            head[0] = Roster.formatOneHeader
        }
        guard head.count == 5, head[0] == Roster.formatOneHeader else {
            if head.first?.hasPrefix("casevault-roster ") == true { throw .format("keyring format \"\(head[0])\" is not supported") }
            throw .format("not a CaseVault keyring")
        }
        guard let vault = VaultID(hex: try value(head[1], "vault")),
              let serial = UInt64(try value(head[2], "serial")),
              let rootBytes = Base64.decode(try value(head[3], "root")), let root = try? SigningPublicKey(bytes: rootBytes),
              let issued = Timestamp(rfc3339: try value(head[4], "issued"))
        else { throw .format("keyring header is malformed") }
        var entries: [RosterEntry] = []
        for block in blocks.dropFirst() {
            let entry = try parseEntry(block.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
            guard !entries.contains(where: { $0.id == entry.id }) else { throw .format("keyring lists \(entry.id) twice") }
            entries.append(entry)
        }
        return Roster(vaultID: vault, centre: centre, serial: serial, rootKey: root, issued: issued, entries: entries)
    }

    static func parseEntry(_ allLines: [String]) throws(VaultError) -> RosterEntry {
        guard allLines.count == 8 || allLines.count == 9, allLines.last!.hasPrefix("certificate "),
              let certificate = Base64.decode(allLines.last!.dropFirst(12)), certificate.count == 64
        else { throw .format("keyring entry is malformed") }
        let lines = Array(allLines.dropLast())
        let kindAndID = lines[0].split(separator: " ", maxSplits: 1).map(String.init)
        guard kindAndID.count == 2, let kind = RosterEntry.Kind(rawValue: kindAndID[0]) else { throw .format("keyring entry kind is malformed") }
        let id = kindAndID[1]
        // A stored roster with a bad id is damaged, not bad input from the user.
        do { try RosterEntry.validate(id: id) } catch { throw .format("keyring entry has a malformed id", cause: error) }
        let name = try value(lines[1], "name")
        var roles: [Role] = []
        for r in try value(lines[2], "roles").split(separator: " ") {
            guard let role = Role(rawValue: String(r)) else { throw .format("keyring entry \(id) has unknown role \(r)") }
            roles.append(role)
        }
        guard let box = Base64.decode(try value(lines[3], "box-key")), let boxKey = try? BoxPublicKey(bytes: box),
              let sign = Base64.decode(try value(lines[4], "sign-key")), let signKey = try? SigningPublicKey(bytes: sign),
              let added = Timestamp(rfc3339: try value(lines[6], "added"))
        else { throw .format("keyring entry \(id) is malformed") }
        let identity = PublicIdentity(boxKey: boxKey, signingKey: signKey)
        guard try value(lines[5], "fingerprint") == identity.fingerprint else { throw .format("keyring entry \(id) has a wrong fingerprint") }
        var revoked: Timestamp?
        if lines.count == 8 {
            guard let r = Timestamp(rfc3339: try value(lines[7], "revoked")) else { throw .format("keyring entry \(id) is malformed") }
            revoked = r
        }
        var entry = RosterEntry(kind: kind, id: id, name: name, roles: roles, identity: identity, added: added, revoked: revoked)
        entry.certificate = certificate
        return entry
    }

    private static func value(_ line: String, _ key: String) throws(VaultError) -> String {
        guard line.hasPrefix(key + " ") else { throw .format("keyring line \"\(key)\" expected") }
        return String(line.dropFirst(key.count + 1))
    }
}
