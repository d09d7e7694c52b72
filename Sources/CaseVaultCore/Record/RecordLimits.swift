/// What a writer may store. Every limit is in bytes or counts (never in Characters: one
/// Character can be megabytes of combining marks) and lies strictly inside what
/// `CaseVersion.decode` accepts, so nothing a member writes can make a case unreadable.
enum RecordLimits {
    /// UTF-8 bytes in one text value (a text field, or one entry of a list of texts).
    static let maxTextBytes = 60_000
    /// Entries in a repeated group or a list of texts given in one record or patch.
    static let maxListItems = 200
    /// Encoded plaintext of one field (FORMAT.md, "Field plaintext"): bounds a list of texts.
    static let maxFieldPlaintextBytes = 1 << 18
    /// Fields in one case version, carried-forward fields included.
    static let maxFields = 50_000
    /// Encoded size of one case version.
    static let maxVersionBytes = 1 << 28

    static func checkFieldCount(_ count: Int) throws(VaultError) {
        guard count <= maxFields else { throw .input("the case would hold \(count) fields; at most \(maxFields) are allowed") }
    }
}

/// What `CaseVersion.decode` accepts. The writer's `RecordLimits` lie strictly inside these.
enum VersionDecodeLimits {
    static let maxMemberBytes = 64
    static let maxRoleBytes = 64
    static let maxPathBytes = 256
    static let maxAssignments = 1000
    static let maxPaths = 100_000
    static let maxClasses = 10_000
    static let maxEnvelopes = 10_000
    static let maxSealedKeyBytes = 1024
    static let maxFields = 100_000
    static let maxCiphertextBytes = 1 << 24
}

extension CaseVersion {
    /// Refuses, before anything is stored, a version that `decode` would refuse.
    func checkDecodable() throws(VaultError) {
        typealias L = VersionDecodeLimits
        func within(_ count: Int, _ max: Int, _ what: String) throws(VaultError) {
            guard count <= max else { throw .input("the case version would hold \(count) \(what); at most \(max) are allowed") }
        }
        try within(author.utf8.count, L.maxMemberBytes, "bytes of author id")
        try within(assignments.count, L.maxAssignments, "assignments")
        for a in assignments {
            try within(a.member.utf8.count, L.maxMemberBytes, "bytes of member id")
            try within(a.role.utf8.count, L.maxRoleBytes, "bytes of role")
        }
        try within(written.count, L.maxPaths, "written paths")
        try within(removed.count, L.maxPaths, "removed paths")
        try within(classes.count, L.maxClasses, "access classes")
        for c in classes {
            try within(c.envelopes.count, L.maxEnvelopes, "readers of one class")
            for e in c.envelopes {
                try within(e.member.utf8.count, L.maxMemberBytes, "bytes of member id")
                try within(e.sealedKey.count, L.maxSealedKeyBytes, "bytes of sealed key")
            }
        }
        try within(fields.count, L.maxFields, "fields")
        for path in written + removed { try within(path.utf8.count, L.maxPathBytes, "bytes in a field path") }
        for f in fields {
            try within(f.path.utf8.count, L.maxPathBytes, "bytes in a field path")
            try within(f.ciphertext.count, L.maxCiphertextBytes, "bytes in one field")
        }
    }
}
