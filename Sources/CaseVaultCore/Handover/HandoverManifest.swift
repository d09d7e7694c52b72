import AccessPolicy
import SodiumKit

/// What a bundle says about itself (docs/FORMAT.md, "Handover bundle"): canonical text, one
/// field per line in a fixed order, signed by the sender. It names the recipient inside the
/// signed part, so a bundle re-encrypted to someone else is recognised as not theirs. Version 2
/// names the log entry that records the disclosure (`log-index`, whose time is `created`) and the
/// roster and policy in force; the centre's name and root come from the roster the bundle carries.
public struct HandoverManifest: Sendable, Equatable {
    public static let header = "casevault-handover v2"

    public enum Basis: String, Sendable, CaseIterable {
        case consent
        /// The duty to avert serious crime (straffeloven § 196): no consent needed.
        case avvergeplikt
    }

    public var bundleID: String
    public var vaultID: VaultID
    public var caseID: CaseID
    public var caseVersion: UInt64
    public var sender: String
    public var recipient: String
    public var recipientRole: Role
    public var recipientFingerprint: String
    public var purpose: String
    public var basis: Basis
    public var consentReference: String?
    public var approvalRequired: Bool
    public var created: Timestamp
    public var expires: Timestamp?
    /// The index of the `handover.create` log entry recording this disclosure.
    public var logIndex: UInt64
    public var rosterSerial: UInt64
    public var policySerial: UInt64
    public var fields: [String]
    public var payloadHash: [UInt8]

    package init(bundleID: String, vaultID: VaultID, caseID: CaseID,
                 caseVersion: UInt64, sender: String, recipient: String, recipientRole: Role, recipientFingerprint: String,
                 purpose: String, basis: Basis, consentReference: String?, approvalRequired: Bool, created: Timestamp,
                 expires: Timestamp?, logIndex: UInt64, rosterSerial: UInt64, policySerial: UInt64, fields: [String], payloadHash: [UInt8]) {
        self.bundleID = bundleID
        self.vaultID = vaultID
        self.logIndex = logIndex
        self.rosterSerial = rosterSerial
        self.policySerial = policySerial
        self.caseID = caseID
        self.caseVersion = caseVersion
        self.sender = sender
        self.recipient = recipient
        self.recipientRole = recipientRole
        self.recipientFingerprint = recipientFingerprint
        self.purpose = purpose
        self.basis = basis
        self.consentReference = consentReference
        self.approvalRequired = approvalRequired
        self.created = created
        self.expires = expires
        self.fields = fields
        self.payloadHash = payloadHash
    }

    public var text: String {
        [
            Self.header, "bundle \(bundleID)", "vault \(vaultID.hex)", "case \(caseID.hex)", "case-version \(caseVersion)",
            "sender \(sender)", "recipient \(recipient)", "recipient-role \(recipientRole.rawValue)",
            "recipient-fingerprint \(recipientFingerprint)", "purpose \(purpose)", "basis \(basis.rawValue)",
            "consent \(consentReference ?? "-")", "approval-required \(approvalRequired ? "yes" : "no")",
            "created \(created.rfc3339)", "expires \(expires?.rfc3339 ?? "-")",
            "log-index \(logIndex)", "roster-serial \(rosterSerial)", "policy-serial \(policySerial)",
            "fields \(fields.isEmpty ? "-" : fields.joined(separator: ","))", "payload \(Base64.encode(payloadHash))",
        ].joined(separator: "\n") + "\n"
    }

    /// The hash a receipt quotes and the centre records: BLAKE2b-256 over a domain string and the text.
    public var hash: [UInt8] { BLAKE2b.hash(Array("casevault/v1/handover-manifest\0".utf8) + Array(text.utf8)) }

    /// Bundle ids are 16 random bytes as 32 lower-case hex digits.
    static func isBundleID(_ s: String) -> Bool { s.utf8.count == 32 && Hex.decode(s) != nil }

    static func validateOneLine(_ s: String, _ what: String) throws(VaultError) {
        guard !s.isEmpty, s.count <= 500, !s.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .input("\(what) must be one line of 1–500 characters")
        }
    }

    public static func parse(_ text: String) throws(VaultError) -> HandoverManifest {
        guard text.hasSuffix("\n"), !text.utf8.contains(0x0D) else { throw .format("handover manifest is malformed") }
        let lines = text.dropLast().splitASCII(0x0A)
        let keys = ["bundle", "vault", "case", "case-version", "sender", "recipient", "recipient-role", "recipient-fingerprint", "purpose",
                    "basis", "consent", "approval-required", "created", "expires", "log-index", "roster-serial", "policy-serial", "fields", "payload"]
        guard lines.first == header else {
            if lines.first?.hasPrefix("casevault-handover ") == true { throw .format("handover format \"\(lines[0].prefix(40))\" is not supported") }
            throw .format("not a CaseVault handover manifest")
        }
        guard lines.count == keys.count + 1 else { throw .format("handover manifest is malformed") }
        var v: [String: String] = [:]
        for (key, line) in zip(keys, lines.dropFirst()) {
            guard line.hasPrefix(key + " ") else { throw .format("handover manifest line \"\(key)\" missing or out of order") }
            v[key] = String(line.dropFirst(key.count + 1))
        }
        guard isBundleID(v["bundle"]!), let vault = VaultID(hex: v["vault"]!),
              let logIndex = UInt64(v["log-index"]!), let rosterSerial = UInt64(v["roster-serial"]!),
              let policySerial = UInt64(v["policy-serial"]!), let version = UInt64(v["case-version"]!), let role = Role(rawValue: v["recipient-role"]!), role.isExternal,
              let basis = Basis(rawValue: v["basis"]!), let created = Timestamp(rfc3339: v["created"]!),
              let payload = Base64.decode(v["payload"]!), payload.count == 32,
              ["yes", "no"].contains(v["approval-required"]!)
        else { throw .format("handover manifest has a malformed value") }
        let expires: Timestamp?
        if v["expires"] == "-" { expires = nil } else {
            guard let e = Timestamp(rfc3339: v["expires"]!) else { throw .format("handover manifest has a malformed expiry") }
            expires = e
        }
        let m = HandoverManifest(
            bundleID: v["bundle"]!, vaultID: vault, caseID: try CaseID(v["case"]!),
            caseVersion: version, sender: v["sender"]!, recipient: v["recipient"]!, recipientRole: role,
            recipientFingerprint: v["recipient-fingerprint"]!, purpose: v["purpose"]!, basis: basis,
            consentReference: v["consent"] == "-" ? nil : v["consent"], approvalRequired: v["approval-required"] == "yes",
            created: created, expires: expires, logIndex: logIndex, rosterSerial: rosterSerial, policySerial: policySerial, fields: v["fields"] == "-" ? [] : v["fields"]!.splitASCII(0x2C),
            payloadHash: payload)
        guard m.text == text else { throw .format("handover manifest is not in canonical form") }
        return m
    }
}
