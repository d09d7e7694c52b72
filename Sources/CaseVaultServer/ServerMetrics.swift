import Prometheus

/// What `casevault serve` counts, for Prometheus at `GET /metrics`: totals over every vault
/// this server holds, labelled only by outcome. No vault id, member id or case id is a label,
/// so the page says how busy the server is and how often it refuses, never who did what.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    let pushesStored, pushesOvertaken, pushesRefused: Counter
    let rowsStored: Counter
    let pulls: Counter
    let signIns, signInsRefused, signInsRateLimited: Counter
    let deliveries: Counter
    let internalErrors: Counter

    init() {
        let pushes = "casevault_pushes_total", signIn = "casevault_sign_ins_total"
        pushesStored = registry.makeCounter(name: pushes, labels: [("result", "stored")], help: "Pushes by outcome")
        pushesOvertaken = registry.makeCounter(name: pushes, labels: [("result", "head-moved")], help: "Pushes by outcome")
        pushesRefused = registry.makeCounter(name: pushes, labels: [("result", "refused")], help: "Pushes by outcome")
        rowsStored = registry.makeCounter(name: "casevault_rows_stored_total", help: "Rows stored by pushes")
        pulls = registry.makeCounter(name: "casevault_pulls_total", help: "Pages of rows served")
        signIns = registry.makeCounter(name: signIn, labels: [("result", "ok")], help: "Sign-ins by outcome")
        signInsRefused = registry.makeCounter(name: signIn, labels: [("result", "refused")], help: "Sign-ins by outcome")
        signInsRateLimited = registry.makeCounter(name: signIn, labels: [("result", "rate-limited")], help: "Sign-ins by outcome")
        deliveries = registry.makeCounter(name: "casevault_deliveries_total", help: "Bundles and answers posted to inboxes")
        internalErrors = registry.makeCounter(name: "casevault_internal_errors_total", help: "Requests that failed inside the server")
    }

    /// The Prometheus text exposition of every counter.
    func exposition() -> [UInt8] { registry.emitToBuffer() }
}
