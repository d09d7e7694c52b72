/// The canonical signed texts (requests, decisions, answer manifests): a header line, then one
/// `key value` line per key in a fixed order, each ending in LF, nothing else. Parsing checks
/// header, order and count; the caller rebuilds the text from the values and compares, so
/// each value has exactly one spelling.
struct KeyedLines {
    let values: [String: String]

    /// `what` names the format in errors ("handover request").
    init(_ text: String, header: String, keys: [String], what: String, maxBytes: Int = 1 << 16) throws(VaultError) {
        guard text.utf8.count <= maxBytes, text.hasSuffix("\n"), !text.utf8.contains(0x0D) else { throw .format("\(what) is malformed") }
        let lines = text.dropLast().splitASCII(0x0A)
        guard lines.first == header else {
            let family = header.split(separator: " ")[0] + " "
            if lines.first?.hasPrefix(family) == true { throw .format("\(what) format \"\(lines[0].prefix(60))\" is not supported") }
            throw .format("not a CaseVault \(what)")
        }
        guard lines.count == keys.count + 1 else { throw .format("\(what) is malformed") }
        var v: [String: String] = [:]
        for (key, line) in zip(keys, lines.dropFirst()) {
            guard line.hasPrefix(key + " ") else { throw .format("\(what) line \"\(key)\" missing or out of order") }
            v[key] = String(line.dropFirst(key.count + 1))
        }
        values = v
    }

    subscript(_ key: String) -> String { values[key]! }
}
