import AccessPolicy
import SodiumKit

/// A contact person's signed request to hand fields over (docs/FORMAT.md, "Handover request").
/// It names exactly the field paths that would leave, so the approver judges what they see;
/// the purpose is only committed to here (the text is sealed beside it, `RequestPurpose`).
public struct ApprovalRequest: Sendable, Equatable {
    public static let header = "casevault-handover-request v1"
    static let signatureDomain = Array("casevault/v1/handover-request\0".utf8)
    static let hashDomain = Array("casevault/v1/handover-request-hash\0".utf8)
    /// A request names every path of its selection: a case with thousands of notes needs room.
    static let maxBytes = 1 << 20
    static let keys = ["request", "vault", "case", "case-version", "requester", "recipient", "recipient-role", "basis", "consent",
                       "purpose", "fields", "expires", "created", "signature"]

    public var requestID: String
    public var vaultID: VaultID
    public var caseID: CaseID
    /// The head version the selection was made from.
    public var caseVersion: UInt64
    public var requester: String
    public var recipient: String
    public var recipientRole: Role
    public var basis: HandoverManifest.Basis
    public var consentReference: String?
    /// `RequestPurpose` commitment to the purpose text.
    public var purposeCommitment: [UInt8]
    /// Field paths, catalogue order.
    public var fields: [String]
    public var expires: Timestamp
    public var created: Timestamp
    public var signature: [UInt8] = []

    var signedText: String {
        [Self.header, "request \(requestID)", "vault \(vaultID.hex)", "case \(caseID.hex)", "case-version \(caseVersion)",
         "requester \(requester)", "recipient \(recipient)", "recipient-role \(recipientRole.rawValue)", "basis \(basis.rawValue)",
         "consent \(consentReference ?? "-")", "purpose \(Base64.encode(purposeCommitment))", "fields \(fields.joined(separator: ","))",
         "expires \(expires.rfc3339)", "created \(created.rfc3339)"].joined(separator: "\n") + "\n"
    }

    public var text: String { signedText + "signature \(Base64.encode(signature))\n" }

    /// What a decision signs over: BLAKE2b-256 of a domain string and the whole signed text.
    public var hash: [UInt8] { BLAKE2b.hash(Self.hashDomain + Array(text.utf8)) }

    mutating func sign(with key: any MessageSigner) throws(VaultError) {
        do { signature = try key.signature(for: Self.signatureDomain + Array(signedText.utf8)) } catch {
            throw .io("cannot sign the request", cause: error)
        }
    }

    func verify(by key: SigningPublicKey) throws(VaultError) {
        do { try key.verify(signature, for: Self.signatureDomain + Array(signedText.utf8)) } catch {
            throw .auth("the handover request's signature does not verify under \(requester)'s key")
        }
    }

    public static func parse(_ text: String) throws(VaultError) -> ApprovalRequest {
        let v = try KeyedLines(text, header: header, keys: keys, what: "handover request", maxBytes: maxBytes)
        guard HandoverManifest.isBundleID(v["request"]), let vault = VaultID(hex: v["vault"]), let version = UInt64(v["case-version"]),
              let role = Role(rawValue: v["recipient-role"]), role.isExternal, let basis = HandoverManifest.Basis(rawValue: v["basis"]),
              let purpose = Base64.decode(v["purpose"]), purpose.count == 32, let expires = Timestamp(rfc3339: v["expires"]),
              let created = Timestamp(rfc3339: v["created"]), let sig = Base64.decode(v["signature"]), sig.count == 64, !v["fields"].isEmpty
        else { throw .format("handover request has a malformed value") }
        let fields = v["fields"].splitASCII(0x2C)
        guard fields.allSatisfy({ FieldCatalog.pattern(ofPath: $0).flatMap(FieldCatalog.spec(forPattern:)) != nil }),
              CaseRecord.order(fields) == fields, Set(fields).count == fields.count
        else { throw .format("handover request names an unknown, repeated or misordered field") }
        let r = ApprovalRequest(requestID: v["request"], vaultID: vault, caseID: try CaseID(v["case"]), caseVersion: version,
                                requester: v["requester"], recipient: v["recipient"], recipientRole: role, basis: basis,
                                consentReference: v["consent"] == "-" ? nil : v["consent"], purposeCommitment: purpose, fields: fields,
                                expires: expires, created: created, signature: sig)
        guard r.text == text else { throw .format("handover request is not in canonical form") }
        return r
    }
}

/// The approver's signed answer to a request: approve or reject, over the request's hash
/// (docs/FORMAT.md, "Handover decision"). A rejection's reason is sealed to the requester and
/// the approver beside it; the decision signs its commitment. A rejection may name fields to
/// drop (version 2, written only then, so every decision without them stays version 1).
public struct ApprovalDecision: Sendable, Equatable {
    public static let header = "casevault-handover-decision v1"
    static let headerWithDrop = "casevault-handover-decision v2"
    static let signatureDomain = Array("casevault/v1/handover-decision\0".utf8)
    static let keys = ["request", "vault", "request-hash", "decision", "reason", "approver", "decided", "signature"]
    static let keysWithDrop = ["request", "vault", "request-hash", "decision", "reason", "drop", "approver", "decided", "signature"]

    public enum Verdict: String, Sendable { case approve, reject }

    public var requestID: String
    public var vaultID: VaultID
    public var requestHash: [UInt8]
    public var verdict: Verdict
    /// Commitment to the sealed reason (`ReasonSeal`), or nil when none was given.
    public var reasonCommitment: [UInt8]?
    /// Paths of the request a rejection asks the requester to drop, in reading order; empty for none.
    public var drop: [String] = []
    public var approver: String
    public var decided: Timestamp
    public var signature: [UInt8] = []

    var signedText: String {
        let dropLine = drop.isEmpty ? [] : ["drop \(drop.joined(separator: ","))"]
        return ([drop.isEmpty ? Self.header : Self.headerWithDrop, "request \(requestID)", "vault \(vaultID.hex)",
                 "request-hash \(Base64.encode(requestHash))", "decision \(verdict.rawValue)", "reason \(reasonCommitment.map(Base64.encode) ?? "-")"]
                + dropLine + ["approver \(approver)", "decided \(decided.rfc3339)"]).joined(separator: "\n") + "\n"
    }

    public var text: String { signedText + "signature \(Base64.encode(signature))\n" }

    mutating func sign(with key: any MessageSigner) throws(VaultError) {
        do { signature = try key.signature(for: Self.signatureDomain + Array(signedText.utf8)) } catch {
            throw .io("cannot sign the decision", cause: error)
        }
    }

    /// Checks the signature and that the decision is about exactly `request`.
    func verify(by key: SigningPublicKey, for request: ApprovalRequest) throws(VaultError) {
        do { try key.verify(signature, for: Self.signatureDomain + Array(signedText.utf8)) } catch {
            throw .auth("the approval's signature does not verify under \(approver)'s key")
        }
        guard requestID == request.requestID, vaultID == request.vaultID, Memory.constantTimeEquals(requestHash, request.hash) else {
            throw .auth("the approval is for another request")
        }
        guard Set(drop).isSubset(of: request.fields) else { throw .auth("the rejection names fields the request does not") }
    }

    public static func parse(_ text: String) throws(VaultError) -> ApprovalDecision {
        let withDrop = text.hasPrefix(headerWithDrop + "\n")
        let v = try KeyedLines(text, header: withDrop ? headerWithDrop : header, keys: withDrop ? keysWithDrop : keys, what: "handover decision")
        guard HandoverManifest.isBundleID(v["request"]), let vault = VaultID(hex: v["vault"]), let hash = Base64.decode(v["request-hash"]),
              hash.count == 32, let verdict = Verdict(rawValue: v["decision"]), let decided = Timestamp(rfc3339: v["decided"]),
              let sig = Base64.decode(v["signature"]), sig.count == 64
        else { throw .format("handover decision has a malformed value") }
        var reason: [UInt8]?
        if v["reason"] != "-" {
            guard let r = Base64.decode(v["reason"]), r.count == 32 else { throw .format("handover decision has a malformed reason commitment") }
            reason = r
        }
        let drop = withDrop ? v["drop"].splitASCII(0x2C) : []
        guard drop.isEmpty || verdict == .reject, drop.allSatisfy({ FieldCatalog.spec(forPath: $0) != nil }),
              CaseRecord.order(drop) == drop, Set(drop).count == drop.count
        else { throw .format("handover decision names fields to drop wrongly (only a rejection may, each once, in reading order)") }
        let d = ApprovalDecision(requestID: v["request"], vaultID: vault, requestHash: hash, verdict: verdict, reasonCommitment: reason,
                                 drop: drop, approver: v["approver"], decided: decided, signature: sig)
        guard d.text == text else { throw .format("handover decision is not in canonical form") }
        return d
    }
}
