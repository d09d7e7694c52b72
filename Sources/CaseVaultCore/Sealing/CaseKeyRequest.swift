import SodiumKit

/// One case's class keys, asked of keys held elsewhere (a key agent) as one request. Each item
/// is a box sealed to the member (an envelope or a grant) or to a role key they hold, with the
/// class commitment its key must match: the holder returns a key only when it matches, so
/// nothing but a class key of this case can come out (never a role seed, nor another box's
/// content). The role seeds travel sealed and are opened by the holder alone.
package struct CaseKeyRequest: Sendable {
    package struct Item: Sendable {
        package var ref: CaseVersion.KeyRef
        package var format: UInt8
        package var commitment: [UInt8]
        package var box: [UInt8]
        /// Empty for a box sealed to the member's own key; else the role key label it is sealed to.
        package var roleLabel: String
    }

    /// The member's newest seed wrap of one role, and that role's records from epoch 1 up to
    /// the wrap's, which lead from its seed back to every older epoch's.
    package struct RoleSeed: Sendable {
        package var wrap: [UInt8]
        package var records: [[UInt8]]
    }

    /// The vault's folder: where the holder looks for the opening's log entry.
    package var vaultDirectory: String
    package var vaultID: VaultID
    package var caseID: CaseID
    package var items: [Item]
    package var roleSeeds: [RoleSeed]

    package init(vaultDirectory: String, vaultID: VaultID, caseID: CaseID, items: [Item], roleSeeds: [RoleSeed]) {
        self.vaultDirectory = vaultDirectory
        self.vaultID = vaultID
        self.caseID = caseID
        self.items = items
        self.roleSeeds = roleSeeds
    }

    /// Whether `key` is the class key `item` commits to in this case.
    package func matches(_ key: SymmetricKey, _ item: Item) -> Bool {
        Memory.constantTimeEquals(CaseVersion.commitment(to: key, vault: vaultID, caseID: caseID, ref: item.ref, format: item.format), item.commitment)
    }

    /// Opens every item with `boxKey` (the member's) or a role key reached from the sealed
    /// seeds; a key that does not match its commitment is withheld. For the holder of the keys only.
    package func open(with boxKey: BoxSecretKey) -> [SymmetricKey?] {
        let roles = Self.roleKeys(roleSeeds, vaultID: vaultID) { try? boxKey.openSealedBox($0) }
        return items.map { item in
            let opener = item.roleLabel.isEmpty ? boxKey : roles[item.roleLabel]
            guard let opener, let secret = try? SealedBox.open(item.box, with: opener), let key = try? SymmetricKey(secret: secret),
                  matches(key, item) else { return nil }
            return key
        }
    }

    /// `str(vaultDirectory) ‖ vaultID ‖ caseID ‖ u32 n ‖ n × item ‖ u32 m ‖ m × seed` (docs/FORMAT.md, "Key agent protocol").
    package func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.string(vaultDirectory)
        w.raw(vaultID.bytes)
        w.raw(caseID.bytes)
        w.u32(UInt32(items.count))
        for i in items {
            w.u64(i.ref.generation)
            w.u32(i.ref.index)
            w.u8(i.format)
            w.data(i.commitment)
            w.data(i.box)
            w.string(i.roleLabel)
        }
        w.u32(UInt32(roleSeeds.count))
        for r in roleSeeds {
            w.data(r.wrap)
            w.u32(UInt32(r.records.count))
            for b in r.records { w.data(b) }
        }
        return w.bytes
    }

    package static func decode(_ bytes: [UInt8]) throws(VaultError) -> CaseKeyRequest {
        var r = ByteReader(bytes)
        do {
            let directory = try r.string(max: 4096)
            let vault = VaultID(unchecked: try r.raw(16)), caseID = CaseID(unchecked: try r.raw(10))
            var items: [Item] = []
            for _ in 0..<(try r.count(max: 4096)) {
                let ref = CaseVersion.KeyRef(generation: try r.u64(), index: try r.u32())
                items.append(Item(ref: ref, format: try r.u8(), commitment: try r.data(max: 64), box: try r.data(max: 256), roleLabel: try r.string(max: 128)))
            }
            var seeds: [RoleSeed] = []
            for _ in 0..<(try r.count(max: 64)) {
                let wrap = try r.data(max: 256)
                var records: [[UInt8]] = []
                for _ in 0..<(try r.count(max: 4096)) { records.append(try r.data(max: 4096)) }
                seeds.append(RoleSeed(wrap: wrap, records: records))
            }
            try r.expectEnd()
            return CaseKeyRequest(vaultDirectory: directory, vaultID: vault, caseID: caseID, items: items, roleSeeds: seeds)
        } catch { throw .format("a request for case keys is malformed") }
    }

    /// The role secret keys reachable from `seeds`, by label, each checked against its record;
    /// a seed that does not open or match is skipped. For the holder of the seeds only.
    static func roleKeys(_ seeds: [RoleSeed], vaultID: VaultID, open: ([UInt8]) -> SecureBytes?) -> [String: BoxSecretKey] {
        var keys: [String: BoxSecretKey] = [:]
        for s in seeds {
            guard var seed = open(s.wrap),
                  let records = try? s.records.map({ b throws(VaultError) in try RoleKeyRecord.decode(b) }),
                  var record = records.last, records.allSatisfy({ $0.vaultID == vaultID && $0.role == record.role }) else { continue }
            while let key = try? RoleKeys.check(seed, against: record) {
                keys[record.label] = key
                let older = Int(record.epoch) - 2
                guard older >= 0, older < records.count, records[older].epoch == record.epoch - 1,
                      let previous = try? RoleKeys.openPrevious(record, seed: seed) else { break }
                seed = previous
                record = records[older]
            }
        }
        return keys
    }
}

/// Keys that open a case's class keys only as a whole request (a key agent): they never hand
/// out a role seed or the content of an arbitrary box.
package protocol CaseKeyOpener: Sendable {
    /// One answer per item: its class key, or nil when the box does not open or its key does not match.
    func openCaseKeys(_ request: CaseKeyRequest) throws(VaultError) -> [SymmetricKey?]
    /// Has the agent append the `case.open` entry of every case in `caseIDs` in one request,
    /// before a transaction that opens them all (a listing) runs.
    func logOpenings(of caseIDs: [CaseID], vaultDirectory: String) throws(VaultError)
}
