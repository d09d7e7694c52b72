/// What the log entry naming a new case version says besides the version and its hash, which
/// `commitVersion` adds from the row it stores.
struct VersionLogEntry {
    let action: VersionWritingAction
    var fields: [String] = []
    var detail: [String: String] = [:]
    var reason: String? = nil
    /// A handover's entry carries the time its bundle states; every other entry is stamped on append.
    var time: Timestamp? = nil
}
