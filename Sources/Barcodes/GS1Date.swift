#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A GS1 date (YYMMDD); day 0 means the last day of the month.
public struct GS1Date: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Four-digit year after the GS1 century rule.
    public let year: Int
    /// Month 1–12.
    public let month: Int
    /// Day 1–31, or 0 for "end of month".
    public let day: Int

    /// Parses YYMMDD; nil if it is not a valid date.
    public init?(yymmdd: String) {
        self.init(yymmdd: yymmdd, currentYear: GS1Date.currentYear)
    }

    /// Parses YYMMDD, resolving the century relative to `currentYear` (GS1 General Specifications 7.12); nil if it is not a valid date.
    public init?(yymmdd: some StringProtocol, currentYear: Int) {
        let parsed: Result<GS1Date, GS1Error> = ByteText.withBytes(yymmdd) { bytes in
            guard bytes.count == 6, ByteText.allDigits(bytes, 0, 6) else { return .failure(GS1Error("not YYMMDD")) }
            return GS1Date.parse(bytes, 0, zeroDay: true, currentYear: currentYear)
        }
        guard case .success(let date) = parsed else { return nil }
        self = date
    }

    /// Creates a date from a full year, month and day (0 for end of month); nil if the month has no such day.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), (0...GS1Date.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The day of the month, with day 0 resolved to the month's last day.
    public var effectiveDay: Int { day == 0 ? GS1Date.daysIn(month: month, year: year) : day }

    /// `2020-12-25`, with the resolved last day for day 0.
    public var description: String {
        func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(twoDigits(month))-\(twoDigits(effectiveDay))"
    }

    /// Orders dates by calendar position (day 0 counts as the month's last day).
    public static func < (a: GS1Date, b: GS1Date) -> Bool {
        (a.year, a.month, a.effectiveDay, a.day) < (b.year, b.month, b.effectiveDay, b.day)
    }

    /// The four-digit year for a two-digit year by the GS1 century rule (General Specifications 7.12).
    ///
    /// A year more than 50 years ahead of `currentYear` is in the previous century, and one
    /// 50 or more years behind is in the next, so expiry dates near the turn of a century resolve forward.
    public static func resolveYear(_ yy: Int, currentYear: Int) -> Int {
        let century = currentYear - currentYear % 100
        switch yy - currentYear % 100 {
        case 51...99: return century - 100 + yy
        case -99 ... -50: return century + 100 + yy
        default: return century + yy
        }
    }

    /// The current calendar year (UTC) from the system clock.
    public static var currentYear: Int {
        // Days since 1970 to a civil year (Howard Hinnant's algorithm); avoids Foundation in this pure module.
        let days = Int(time(nil)) / 86_400 + 719_468
        let era = days / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        return yearOfEra + era * 400 + (monthIndex >= 10 ? 1 : 0)
    }

    /// The number of days in a month of the Gregorian calendar.
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Parses the six validated digits YYMMDD at `bytes[start...]`, or says which part is wrong.
    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, zeroDay: Bool, currentYear: Int
    ) -> Result<GS1Date, GS1Error> {
        let yy = ByteText.number(bytes, start, start + 2)
        let month = ByteText.number(bytes, start + 2, start + 4)
        let day = ByteText.number(bytes, start + 4, start + 6)
        return make(year: resolveYear(yy, currentYear: currentYear), month: month, day: day, zeroDay: zeroDay)
    }

    /// A date from parts, or the reason they are not one ("month 13 is not a month").
    static func make(year: Int, month: Int, day: Int, zeroDay: Bool) -> Result<GS1Date, GS1Error> {
        guard (1...12).contains(month) else { return .failure(GS1Error("month \(month) is not a month")) }
        if day == 0 && !zeroDay { return .failure(GS1Error("day 00 is not allowed here")) }
        let days = daysIn(month: month, year: year)
        guard day <= days else {
            return .failure(GS1Error("day \(day) is not a day of \(year)-\(month < 10 ? "0" : "")\(month), which has \(days) days"))
        }
        return .success(GS1Date(year: year, month: month, day: day)!)
    }
}
