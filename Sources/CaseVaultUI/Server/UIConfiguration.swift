/// What `casevault ui` was started with.
public struct UIConfiguration: Sendable {
    public var vaultPath: String
    public var keyPath: String
    /// 0: any free port, chosen by the system.
    public var port: Int
    /// Where sealed handover bundles are written (encrypted to their recipient; never plaintext).
    public var bundleFolder: String
    public var clock: any UIClock

    public init(vaultPath: String, keyPath: String, port: Int, bundleFolder: String, clock: any UIClock = SystemUIClock()) {
        self.vaultPath = vaultPath
        self.keyPath = keyPath
        self.port = port
        self.bundleFolder = bundleFolder
        self.clock = clock
    }
}
