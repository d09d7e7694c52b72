/// How far ahead of a clock a date may be before it is refused: five minutes of drift between
/// honest machines, never thirty years.
public enum ClockBound {
    public static let seconds: Int64 = 300

    /// Whether `time` lies more than the bound beyond `reference`.
    static func isAhead(_ time: Timestamp, of reference: Timestamp) -> Bool { time.seconds > reference.seconds + seconds }
}
