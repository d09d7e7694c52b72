import CaseVaultCore
import Foundation
import SodiumKit

/// The shared vault server's API for one vault, as one member or recipient. Signs in with a
/// fresh challenge signed by the caller's key; every answer is checked for shape only, as
/// everything it carries is verified by the core afterwards.
public final class SyncClient: @unchecked Sendable {
    public let vaultID: VaultID
    let http: HTTPTransport
    private var token: String?

    public init(server: String, vaultID: VaultID, timeout: TimeInterval = 30) throws(SyncFailure) {
        guard let url = URL(string: server), ["http", "https"].contains(url.scheme ?? "") else {
            throw SyncFailure(.protocolError, "the server address must be http://HOST:PORT or https://HOST:PORT")
        }
        self.vaultID = vaultID
        http = HTTPTransport(base: url, timeout: timeout)
    }

    private var vaultPath: String { "/\(SyncWire.version)/vaults/\(vaultID.hex)" }

    /// Registers the vault by its first roster (signed by its centre root); a vault already there is fine.
    public func register(rootKey: SigningPublicKey, firstRoster: String) throws(SyncFailure) {
        let _: SyncWire.Ready = try call("POST", "/\(SyncWire.version)/vaults", SyncWire.Registration(rootKey: Base64.encode(rootKey.bytes), roster: firstRoster))
    }

    public func signIn(as member: String, signer: any MessageSigner) throws(SyncFailure) {
        let nonce = try challenge(for: member)
        let signature: [UInt8]
        do { signature = try signer.signature(for: SyncWire.authMessage(vault: vaultID, challenge: nonce, member: member)) } catch {
            throw SyncFailure(.refused(status: 0), "cannot sign the server's challenge: \(error)")
        }
        try openSession(as: member, challenge: nonce, signature: signature)
    }

    /// A fresh one-time challenge for `member` to sign.
    public func challenge(for member: String) throws(SyncFailure) -> [UInt8] {
        let challenge: SyncWire.Challenge = try call("POST", vaultPath + "/challenge", SyncWire.ChallengeRequest(member: member))
        guard let nonce = Base64.decode(challenge.challenge), nonce.count == SyncWire.challengeBytes else {
            throw SyncFailure(.protocolError, "the server's challenge is malformed")
        }
        return nonce
    }

    /// Trades a signed challenge for a session token.
    public func openSession(as member: String, challenge: [UInt8], signature: [UInt8]) throws(SyncFailure) {
        let session: SyncWire.Session = try call("POST", vaultPath + "/session",
                                                 SyncWire.SessionRequest(member: member, challenge: Base64.encode(challenge), signature: Base64.encode(signature)))
        token = session.token
    }

    public func push(base: UInt64, rows: [SyncRow]) throws(SyncFailure) -> UInt64 {
        let result: SyncWire.PushResult = try call("POST", vaultPath + "/push", SyncWire.Push(base: base, rows: rows.map(SyncWire.Row.init)))
        return result.logSize
    }

    /// Every row changed after `after`, in pages.
    public func pull(after: Int64) throws(SyncFailure) -> (rows: [SyncRow], next: Int64, logSize: UInt64) {
        var rows: [SyncRow] = []
        var next = after
        var logSize: UInt64 = 0
        while true {
            let page: SyncWire.Pull = try call("GET", vaultPath + "/rows?after=\(next)", Optional<SyncWire.Ready>.none)
            for r in page.rows {
                do { rows.append(try r.syncRow()) } catch { throw SyncFailure(.protocolError, "the server sent a malformed row: \(error)") }
            }
            guard page.next >= next else { throw SyncFailure(.protocolError, "the server's sequence went backwards") }
            next = page.next
            logSize = page.logSize
            if !page.more { break }
        }
        return (rows, next, logSize)
    }

    /// Posts sealed bytes (a bundle, an answer) to `to`'s inbox (`centre`: every member's).
    @discardableResult
    public func deliver(_ data: [UInt8], to: String) throws(SyncFailure) -> String {
        let item: SyncWire.InboxItem = try call("POST", vaultPath + "/inbox/\(to)", SyncWire.Delivery(data: Base64.encode(data)))
        return item.id
    }

    public func inbox() throws(SyncFailure) -> [SyncWire.InboxItem] {
        try call("GET", vaultPath + "/inbox", Optional<SyncWire.Ready>.none)
    }

    public func fetch(_ item: String) throws(SyncFailure) -> [UInt8] {
        guard item.allSatisfy(\.isHexDigit) else { throw SyncFailure(.protocolError, "an inbox item id is hex") }
        let d: SyncWire.Delivery = try call("GET", vaultPath + "/inbox/\(item)", Optional<SyncWire.Ready>.none)
        guard let bytes = Base64.decode(d.data) else { throw SyncFailure(.protocolError, "the server's delivery is not base64") }
        return bytes
    }

    private func call<In: Encodable, Out: Decodable>(_ method: String, _ path: String, _ body: In?) throws(SyncFailure) -> Out {
        let data: Data?
        do { data = try body.map { try JSONEncoder().encode($0) } } catch { throw SyncFailure(.protocolError, "cannot encode the request") }
        let answer = try http.send(method, path, body: data, token: token)
        guard answer.status == 200 else {
            let message = (try? JSONDecoder().decode(SyncWire.Problem.self, from: answer.body))?.error ?? "HTTP \(answer.status)"
            let oneLine = message.split(separator: "\n").first.map(String.init) ?? message
            throw SyncFailure(answer.status == 409 ? .headMoved : .refused(status: answer.status), "the server refused: \(oneLine)")
        }
        do { return try JSONDecoder().decode(Out.self, from: answer.body) } catch {
            throw SyncFailure(.protocolError, "the server's answer is not the expected JSON")
        }
    }
}
