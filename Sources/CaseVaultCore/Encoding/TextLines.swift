extension StringProtocol {
    /// Splits on one ASCII byte, working on UTF-8 rather than Characters: the formats split here
    /// are line- and comma-separated ASCII structure, and grapheme breaking would only cost time.
    func splitASCII(_ separator: UInt8, omittingEmpty: Bool = false) -> [String] {
        var out: [String] = []
        var current: [UInt8] = []
        for byte in utf8 {
            if byte == separator {
                if !(omittingEmpty && current.isEmpty) { out.append(String(decoding: current, as: UTF8.self)) }
                current.removeAll(keepingCapacity: true)
            } else {
                current.append(byte)
            }
        }
        if !(omittingEmpty && current.isEmpty) { out.append(String(decoding: current, as: UTF8.self)) }
        return out
    }
}
