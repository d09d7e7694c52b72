import CaseVaultCore
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import SodiumKit

/// The HTTP routes of `casevault serve` (docs/FORMAT.md, "Shared vault wire protocol").
/// Handlers parse and answer; the core's `PushCheck` decides what a push may store.
struct ServerRoutes: Sendable {
    let store: PostgresVaultStore
    let auth: ServerAuth
    let clock: any VaultClock
    let logger: Logger
    let maxClockSkew: Int64
    let metrics: ServerMetrics

    func add(to router: Router<BasicRequestContext>) {
        router.get("/health") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok\n"))) }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        router.get("/ready") { _, _ in
            await answer { () async throws -> SyncWire.Ready in
                try await store.ping()
                return .init(ready: true)
            }
        }
        let v = router.group("v1/vaults")
        v.post("") { request, _ in
            await answer { () async throws -> SyncWire.Ready in try await register(try await decode(request)) }
        }
        v.post(":vault/challenge") { request, context in
            await answer { () async throws -> SyncWire.Challenge in
                let body: SyncWire.ChallengeRequest = try await decode(request)
                return .init(challenge: Base64.encode(try await auth.challenge(vault: try vault(context), member: body.member)))
            }
        }
        v.post(":vault/session") { request, context in
            await answer { () async throws -> SyncWire.Session in
                let token: [UInt8]
                do { token = try await auth.session(vault: try vault(context), request: try await decode(request)) } catch {
                    ((error as? ServerFailure)?.status == .tooManyRequests ? metrics.signInsRateLimited : metrics.signInsRefused).increment()
                    throw error
                }
                metrics.signIns.increment()
                return .init(token: Base64.encode(token), serverTime: clock.now().seconds)
            }
        }
        v.post(":vault/push") { request, context in
            await answer { () async throws -> SyncWire.PushResult in
                do { return try await push(request, context) } catch {
                    let inner = (error as? PostgresTransactionError)?.closureError ?? error
                    ((inner as? ServerFailure)?.status == .conflict ? metrics.pushesOvertaken : metrics.pushesRefused).increment()
                    throw error
                }
            }
        }
        v.get(":vault/rows") { request, context in
            await answer { () async throws -> SyncWire.Pull in
                let id = try vault(context)
                let (entry, stored) = try await auth.caller(vault: id, authorization: request.headers[.authorization])
                guard entry.kind == .member else { throw ServerFailure(.forbidden, "a recipient receives deliveries, not the vault") }
                let after = Int64(request.uri.queryParameters.get("after") ?? "0") ?? 0
                let page = try await store.pull(id, after: after, limit: 2000)
                metrics.pulls.increment()
                return .init(rows: page.rows.map(SyncWire.Row.init), next: page.next, more: page.more, logSize: stored.head.logSize)
            }
        }
        v.post(":vault/inbox/:item") { request, context in
            await answer { () async throws -> SyncWire.InboxItem in try await deliver(request, context) }
        }
        v.get(":vault/inbox") { request, context in
            await answer { () async throws -> [SyncWire.InboxItem] in
                let id = try vault(context)
                let (entry, _) = try await auth.caller(vault: id, authorization: request.headers[.authorization])
                return try await store.inbox(vault: id, addressees: Self.addressees(entry))
            }
        }
        v.get(":vault/inbox/:item") { request, context in
            await answer { () async throws -> SyncWire.Delivery in
                let id = try vault(context)
                let (entry, _) = try await auth.caller(vault: id, authorization: request.headers[.authorization])
                let item = context.parameters.get("item") ?? ""
                guard let data = try await store.inboxItem(vault: id, id: item, addressees: Self.addressees(entry)) else {
                    throw ServerFailure(.notFound, "no such item in your inbox")
                }
                return .init(data: Base64.encode(data))
            }
        }
    }

    /// What an entry may read: its own inbox, and a member also the centre's.
    static func addressees(_ entry: RosterEntry) -> [String] { entry.kind == .member ? [entry.id, "centre"] : [entry.id] }

    private func register(_ body: SyncWire.Registration) async throws -> SyncWire.Ready {
        guard let rootBytes = Base64.decode(body.rootKey), let root = try? SigningPublicKey(bytes: rootBytes) else {
            throw ServerFailure(.badRequest, "the root key is malformed")
        }
        let id = try PushCheck.registration(rosterText: body.roster, rootKey: root)
        if try await store.register(id, rootKey: root, roster: body.roster, now: clock.now()) {
            logger.info("vault registered", metadata: ["vault": "\(id.hex.prefix(8))"])
        } else if try await store.vault(id)?.rootKey != root {
            throw ServerFailure(.conflict, "this vault id is registered with another centre root key")
        }
        return .init(ready: true)
    }

    private func push(_ request: Request, _ context: BasicRequestContext) async throws -> SyncWire.PushResult {
        let id = try vault(context)
        let (entry, _) = try await auth.caller(vault: id, authorization: request.headers[.authorization])
        guard entry.kind == .member else { throw ServerFailure(.forbidden, "a recipient cannot write to the vault") }
        let body: SyncWire.Push = try await decode(request)
        let rows = try body.rows.map { try $0.syncRow() }
        let now = clock.now(), skew = maxClockSkew
        let after = try await store.push(id, base: body.base, rows: rows) { stored, existing in
            // The first push of an existing vault carries its whole history, older than any skew.
            try PushCheck.check(rows, stored: existing, head: stored.head, vaultID: id, rootKey: stored.rootKey,
                                now: stored.head.logSize == 0 ? nil : now, maxSkew: skew)
        }
        metrics.pushesStored.increment()
        metrics.rowsStored.increment(by: Int64(rows.count))
        logger.info("push stored", metadata: ["vault": "\(id.hex.prefix(8))", "member": "\(entry.id)", "rows": "\(rows.count)", "log": "\(after.logSize)"])
        return .init(logSize: after.logSize)
    }

    private func deliver(_ request: Request, _ context: BasicRequestContext) async throws -> SyncWire.InboxItem {
        let id = try vault(context)
        let (entry, stored) = try await auth.caller(vault: id, authorization: request.headers[.authorization])
        let to = context.parameters.get("item") ?? ""  // the addressee, on the path an item id takes when fetched
        try RosterIDs.check(to)
        if to != "centre", (try? PushCheck.rosterEntry(to, rosterText: stored.head.rosterText ?? "", rootKey: stored.rootKey)) == nil {
            throw ServerFailure(.notFound, "\(to) is not an active entry of this vault's roster")
        }
        let body: SyncWire.Delivery = try await decode(request)
        guard let data = Base64.decode(body.data), !data.isEmpty else { throw ServerFailure(.badRequest, "the delivery is empty or not base64") }
        let item = Hex.encode(Random.bytes(16)), now = clock.now()
        try await store.deliver(id: item, vault: id, to: to, from: entry.id, data: data, at: now)
        metrics.deliveries.increment()
        logger.info("delivery posted", metadata: ["vault": "\(id.hex.prefix(8))", "from": "\(entry.id)", "to": "\(to)", "bytes": "\(data.count)"])
        return .init(id: item, from: entry.id, size: data.count, posted: now.seconds)
    }

    private func vault(_ context: BasicRequestContext) throws -> VaultID {
        guard let text = context.parameters.get("vault"), let id = VaultID(hex: text) else { throw ServerFailure(.badRequest, "the vault id is malformed") }
        return id
    }

    private func decode<T: Decodable>(_ request: Request) async throws -> T {
        let buffer = try await request.body.collect(upTo: SyncWire.maxBody)
        do { return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView)) } catch {
            throw ServerFailure(.badRequest, "the request body is not the expected JSON")
        }
    }

    /// Runs a handler and answers with its JSON, or with a one-line problem and the matching status.
    private func answer<T: Encodable>(_ body: () async throws -> T) async -> Response {
        do {
            return json(.ok, try await body())
        } catch {
            // A refusal inside a transaction arrives wrapped; the refusal is what the client needs.
            let inner = (error as? PostgresTransactionError)?.closureError ?? error
            if let f = inner as? ServerFailure { return json(f.status, SyncWire.Problem(error: f.message)) }
            if let e = inner as? VaultError {
                let f = ServerFailure(e)
                return json(f.status, SyncWire.Problem(error: f.message))
            }
            // Only the error's type: a database error's text may quote a statement's values.
            logger.error("request failed", metadata: ["error": "\(type(of: inner))"])
            metrics.internalErrors.increment()
            return json(.internalServerError, SyncWire.Problem(error: "internal error"))
        }
    }

    private func json<T: Encodable>(_ status: HTTPResponse.Status, _ value: T) -> Response {
        let data = (try? JSONEncoder().encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
