import CaseVaultCore
import Hummingbird

/// A refusal the server answers with: an HTTP status and a one-line message naming no case data.
struct ServerFailure: Error, CustomStringConvertible {
    let status: HTTPResponse.Status
    let message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    var description: String { message }

    /// A core refusal as the client should see it.
    init(_ error: VaultError) {
        let status: HTTPResponse.Status = switch error.kind {
        case .accessDenied, .authenticationFailed: .forbidden
        case .notFound: .notFound
        case .invalidInput, .unsupportedFormat: .badRequest
        case .refused: .unprocessableContent
        case .ioFailure: .internalServerError
        }
        self.init(status, error.message)
    }
}

/// Every database call runs under a deadline, so a wrong address or a stopped database is a
/// one-line error instead of a hang.
func withDeadline<T: Sendable>(_ limit: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw ServerFailure(.serviceUnavailable, "the database did not answer within \(limit.components.seconds) s (\(what))")
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
