/// Norwegian local time (Europe/Oslo) for people; formats and `--json` keep UTC. This file is
/// the one place that converts: every date a person types or reads is an Oslo date, every
/// instant is stored in UTC. The EU rule is computed, not looked up, so output does not depend
/// on the machine's time-zone files: CET (UTC+1), and CEST (UTC+2) from 01:00 UTC on the last
/// Sunday of March to 01:00 UTC on the last Sunday of October. The tests check it against the
/// system's Europe/Oslo zone.
extension Timestamp {
    /// Offset from UTC in Norway at this instant, in seconds.
    public var osloOffset: Int64 {
        guard let year = CalendarDate(date)?.year,
              let start = Self.lastSunday(month: 3, year: year), let end = Self.lastSunday(month: 10, year: year)
        else { return 3600 }
        let summer = seconds >= start.startSeconds + 3600 && seconds < end.startSeconds + 3600
        return summer ? 7200 : 3600
    }

    /// The calendar date in Norway at this instant.
    public var osloDate: CalendarDate { CalendarDate(Timestamp(seconds: seconds + osloOffset).date)! }

    /// The Oslo date at this instant as stored in a date field (`YYYY-MM-DD`).
    public var osloDateField: String { osloDate.description }

    /// `25.11.2026 kl. 04:00`, in Norwegian local time.
    public var osloText: String {
        let local = Timestamp(seconds: seconds + osloOffset).rfc3339  // YYYY-MM-DDTHH:MM:SSZ, shifted
        let u = Array(local)
        return "\(String(u[8..<10])).\(String(u[5..<7])).\(String(u[0..<4])) kl. \(String(u[11..<16]))"
    }

    private static func lastSunday(month: Int, year: Int) -> CalendarDate? {
        guard let last = CalendarDate(year: year, month: month, day: CalendarDate.days(inMonth: month, year: year)) else { return nil }
        // 1970-01-01 was a Thursday: weekday 0 = Sunday.
        let weekday = ((last.startSeconds / 86_400) % 7 + 4) % 7
        return CalendarDate(year: year, month: month, day: last.day - Int(weekday))
    }
}

extension CalendarDate {
    /// The first instant of this day in Oslo (00:00 local). Summer time changes at 02:00/03:00
    /// local, never at midnight, so midnight always exists once.
    public var osloStart: Timestamp {
        let winter = Timestamp(seconds: startSeconds - 3600)
        return winter.osloOffset == 3600 ? winter : Timestamp(seconds: startSeconds - 7200)
    }

    /// The last second of this day in Oslo: where an expiry date typed by a person ends.
    public var osloEnd: Timestamp { Timestamp(seconds: adding(days: 1).osloStart.seconds - 1) }

    /// `25.11.2026`: how a date is written in Norwegian.
    public var norwegianText: String {
        func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
        return "\(pad(day)).\(pad(month)).\(year)"
    }
}
