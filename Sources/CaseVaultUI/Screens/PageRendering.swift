import CaseVaultCore

/// One screen rendered without HTTP, for the benchmark: the same core calls and templates as a
/// browser's GET, minus the request checks.
package enum PageRendering {
    /// The HTTP status the screen at `path` gets.
    package static func get(_ path: String, gate: VaultGate) throws -> Int {
        let screens = Screens(gate: gate, csrf: UIToken(), bundleFolder: "/nonexistent", clock: SystemUIClock())
        let parts = path.split(separator: "?", maxSplits: 1).map(String.init)
        let query = Dictionary((parts.count > 1 ? parts[1] : "").split(separator: "&").map { pair -> (String, String) in
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            return (kv[0], kv.count > 1 ? kv[1] : "")
        }) { first, _ in first }
        return Int(try screens.route(path: parts[0], form: nil, query: query).status.code)
    }
}
