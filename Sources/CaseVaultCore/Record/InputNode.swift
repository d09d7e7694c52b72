import Yams

/// JSON or YAML input as a tree that keeps how each scalar was written, so a text field can
/// take `no` or `0123` literally while a yes/no field takes only `true` or `false`.
/// JSON is read by the YAML parser too: it is (for our inputs) a subset, and one parser means
/// one set of rules, including the refusal of duplicate keys.
indirect enum InputNode {
    case object([(key: String, value: InputNode)])
    case array([InputNode])
    case scalar(String, quoted: Bool)
    case null

    /// Parses JSON or YAML. Errors give a position and the parser's problem, never the input's text.
    static func parse(_ text: String) throws(VaultError) -> InputNode {
        let parser: Yams.Parser
        let node: Node?
        do {
            parser = try Yams.Parser(yaml: text, resolver: .basic)
            node = try parser.singleRoot()
        } catch let e as YamlError {
            throw .input("input is not valid JSON or YAML: \(describe(e))")
        } catch { throw .input("input is not valid JSON or YAML") }
        guard let node else { throw .input("input is empty") }
        // Nodes hold their anchors weakly and the parser owns them: keep it alive while walking,
        // or anchors read as absent and aliases slip through.
        return try withExtendedLifetime(parser) { () throws(VaultError) -> InputNode in try convert(node) }
    }

    private static func convert(_ node: Node) throws(VaultError) -> InputNode {
        // Yams resolves aliases while composing, so refuse the anchors themselves: an alias is
        // a second copy of a value nobody wrote out, and nested aliases expand exponentially.
        if node.anchor != nil { throw .input("input uses a YAML anchor or alias; write the value out") }
        switch node {
        case let .scalar(s):
            let quoted = s.style != .plain
            if !quoted && ["", "~", "null", "Null", "NULL"].contains(s.string) { return .null }
            return .scalar(s.string, quoted: quoted)
        case let .sequence(seq):
            var items: [InputNode] = []
            for n in seq { items.append(try convert(n)) }
            return .array(items)
        case let .mapping(map):
            var pairs: [(key: String, value: InputNode)] = []
            var seen = Set<String>()
            for (k, v) in map {
                guard case let .scalar(ks) = k else { throw .input("input has a key that is not a plain name") }
                guard seen.insert(ks.string).inserted else { throw .input("input has the key \"\(ks.string.prefix(40))\" twice") }
                pairs.append((ks.string, try convert(v)))
            }
            return .object(pairs)
        case .alias:
            throw .input("input uses a YAML alias; write the value out")
        }
    }

    private static func describe(_ e: YamlError) -> String {
        switch e {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return "\(problem) at line \(mark.line), column \(mark.column)"
        case .reader: return "the text is not valid UTF-8"
        default: return "unreadable"
        }
    }

    var kindName: String {
        switch self {
        case .object: "an object"
        case .array: "a list"
        case .scalar: "a single value"
        case .null: "null"
        }
    }
}
