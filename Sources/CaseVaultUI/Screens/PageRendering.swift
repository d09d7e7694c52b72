import CaseVaultCore

/// One screen rendered without HTTP, for the benchmark: the same core calls and templates as a
/// browser's GET, minus the request checks.
package enum PageRendering {
    /// The HTTP status the screen at `path` gets.
    package static func get(_ path: String, gate: VaultGate) throws -> Int {
        let screens = Screens(gate: gate, csrf: UIToken(), bundleFolder: "/nonexistent", clock: SystemUIClock())
        return Int(try screens.route(path: path, form: nil).status.code)
    }
}
