/// A stored version row.
package struct StoredVersion: Sendable {
    var version: UInt64
    var body: [UInt8]
    var signature: [UInt8]

    package init(version: UInt64, body: [UInt8], signature: [UInt8]) {
        self.version = version
        self.body = body
        self.signature = signature
    }
}
