import CaseVaultCore
import Logging
import SodiumKit

/// Authentication with the keys members already have: a one-time server challenge signed by
/// the member's (or recipient's) key from the signed roster; no passwords, no replays (a
/// challenge is deleted when used), a revoked entry refused at once (every request re-reads the
/// newest roster), failed attempts rate-limited per vault and member.
struct ServerAuth: Sendable {
    let store: PostgresVaultStore
    let clock: any VaultClock
    let logger: Logger

    static let challengeLifetime: Int64 = 120
    static let sessionLifetime: Int64 = 900
    static let failureWindow: Int64 = 900
    static let failuresAllowed = 5
    static let tokenDomain = Array("casevault/v1/server-session-token\0".utf8)

    func challenge(vault: VaultID, member: String) async throws -> [UInt8] {
        try RosterIDs.check(member)
        let nonce = Random.bytes(SyncWire.challengeBytes)
        try await store.addChallenge(nonce, vault: vault, member: member, expires: Timestamp(seconds: clock.now().seconds + Self.challengeLifetime))
        return nonce
    }

    /// A session token for a correctly signed, fresh challenge by an active roster entry.
    func session(vault: VaultID, request: SyncWire.SessionRequest) async throws -> [UInt8] {
        try RosterIDs.check(request.member)
        let now = clock.now()
        guard try await store.failures(vault: vault, member: request.member, since: Timestamp(seconds: now.seconds - Self.failureWindow)) < Self.failuresAllowed else {
            logger.warning("authentication rate-limited", metadata: ["vault": "\(vault.hex.prefix(8))", "member": "\(request.member)"])
            throw ServerFailure(.tooManyRequests, "too many failed sign-ins for \(request.member); wait \(Self.failureWindow / 60) minutes")
        }
        guard let stored = try await store.vault(vault) else { throw ServerFailure(.notFound, "no such vault on this server") }
        do {
            guard let nonce = Base64.decode(request.challenge), nonce.count == SyncWire.challengeBytes,
                  let signature = Base64.decode(request.signature),
                  try await store.takeChallenge(nonce, vault: vault, member: request.member, now: now) else {
                throw ServerFailure(.forbidden, "the challenge is unknown, used or expired")
            }
            let entry = try roster(stored, member: request.member)
            do { try entry.identity.signingKey.verify(signature, for: SyncWire.authMessage(vault: vault, challenge: nonce, member: request.member)) } catch {
                throw ServerFailure(.forbidden, "the challenge's signature does not verify under \(request.member)'s key")
            }
        } catch let failure as ServerFailure {
            try await store.addFailure(vault: vault, member: request.member, at: now)
            logger.notice("authentication refused", metadata: ["vault": "\(vault.hex.prefix(8))", "member": "\(request.member)"])
            throw failure
        }
        let token = Random.bytes(32)
        try await store.addSession(tokenHash: BLAKE2b.hash(Self.tokenDomain + token), vault: vault, member: request.member,
                                   expires: Timestamp(seconds: now.seconds + Self.sessionLifetime))
        return token
    }

    /// The roster entry behind a bearer token, checked against the newest roster now.
    func caller(vault: VaultID, authorization: String?) async throws -> (entry: RosterEntry, stored: PostgresVaultStore.StoredVault) {
        guard let authorization, authorization.hasPrefix("CaseVault "), let token = Base64.decode(String(authorization.dropFirst(10))), token.count == 32 else {
            throw ServerFailure(.unauthorized, "sign in first (no session token)")
        }
        guard let member = try await store.session(tokenHash: BLAKE2b.hash(Self.tokenDomain + token), vault: vault, now: clock.now()) else {
            throw ServerFailure(.unauthorized, "the session is unknown or expired: sign in again")
        }
        guard let stored = try await store.vault(vault) else { throw ServerFailure(.notFound, "no such vault on this server") }
        return (try roster(stored, member: member), stored)
    }

    private func roster(_ stored: PostgresVaultStore.StoredVault, member: String) throws -> RosterEntry {
        do { return try PushCheck.rosterEntry(member, rosterText: stored.head.rosterText ?? "", rootKey: stored.rootKey) } catch {
            throw ServerFailure(.forbidden, "\(member) is not an active member or recipient of this vault")
        }
    }
}

/// Roster ids as the server accepts them in a path or a body: short, plain, no separators.
enum RosterIDs {
    static func check(_ id: String) throws {
        guard !id.isEmpty, id.utf8.count <= 64, id.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E })
        else { throw ServerFailure(.badRequest, "a member id is malformed") }
    }
}
