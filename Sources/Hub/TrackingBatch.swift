import Foundation
import PackCore

/// A validated `POST /v1/tracking` body: `{"updates": [{tracking, status, at, location?, detail?}]}`,
/// every update checked before any is applied (422 naming each bad field; nothing applied).
public struct TrackingBatch: Sendable {
    /// The most updates one request carries.
    public static let maximumUpdates = 10_000
    /// The largest body accepted: 10,000 updates of ~400 bytes.
    public static let maximumBytes = 4 << 20
    /// Field limits, in characters.
    static let maximumTracking = 100, maximumLocation = 200, maximumDetail = 1000

    /// What a carrier reports of a package.
    public enum Status: String, CaseIterable, Sendable {
        case inTransit = "in_transit", delivered, exception

        /// The order state this status stands for.
        var state: OrderState {
            switch self {
            case .inTransit: .inTransit
            case .delivered: .delivered
            case .exception: .exception
            }
        }
    }

    /// One update.
    public struct Update: Sendable {
        /// The package's tracking number.
        public var tracking: String
        /// What happened to it.
        public var status: Status
        /// When the carrier saw it happen.
        public var at: Date
        /// Where, as the carrier names it.
        public var location: String?
        /// The carrier's words (an exception's reason).
        public var detail: String?
    }

    /// The updates, in the order sent.
    public var updates: [Update]

    static let members: Set<String> = ["tracking", "status", "at", "location", "detail"]

    /// Parses and checks a body.
    public init(bytes: some Collection<UInt8>) throws(HubError) {
        let document: JSONValue
        do { document = try JSONParser.parse(bytes) } catch {
            throw HubError(400, "malformed_json", "The request body is not valid JSON: \(error).")
        }
        guard case .object(let top) = document else { throw HubError(422, "wrong_type", "The body must be an object {\"updates\": [...]}, not \(document.typeDescription).") }
        if let extra = top.first(where: { $0.0 != "updates" }) {
            throw HubError(422, "wrong_type", "The body has one member, \"updates\"; \"\(extra.0)\" is not one.", problems: [.init(path: extra.0, message: "unknown member")])
        }
        guard case .array(let list)? = document["updates"] else {
            throw HubError(422, "wrong_type", "The body must have \"updates\", an array of {tracking, status, at}.", problems: [.init(path: "updates", message: "expected an array, found \(document["updates"]?.typeDescription ?? "nothing")")])
        }
        guard (1...Self.maximumUpdates).contains(list.count) else {
            throw HubError(422, "batch_size", "A tracking batch holds 1 to \(Self.maximumUpdates) updates, not \(list.count); send the rest in another request.")
        }
        var problems = ProblemList()
        var updates: [Update] = []
        updates.reserveCapacity(list.count)
        for (i, item) in list.enumerated() {
            let p = "updates[\(i)]"
            guard case .object(let fields) = item else { problems.append(p, "expected an object {tracking, status, at}, found \(item.typeDescription)"); continue }
            for (name, _) in fields where !Self.members.contains(name) {
                problems.append("\(p).\(name)", "unknown member; an update has tracking, status, at, location and detail")
            }
            let tracking = Self.text(item["tracking"], "\(p).tracking", max: Self.maximumTracking, &problems)
            var status: Status?
            if let s = Self.text(item["status"], "\(p).status", max: 20, &problems) {
                status = Status(rawValue: s)
                if status == nil { problems.append("\(p).status", "must be in_transit, delivered or exception, not '\(s)'") }
            }
            var at: Date?
            if let s = Self.text(item["at"], "\(p).at", max: 40, &problems) {
                at = Self.date(s)
                if at == nil { problems.append("\(p).at", "expected a date-time such as 2026-12-04T10:00:00Z, not '\(s)'") }
            }
            let location = Self.text(item["location"], "\(p).location", max: Self.maximumLocation, &problems, optional: true)
            let detail = Self.text(item["detail"], "\(p).detail", max: Self.maximumDetail, &problems, optional: true)
            if let tracking, let status, let at {
                updates.append(Update(tracking: tracking, status: status, at: at, location: location, detail: detail))
            }
        }
        guard problems.isEmpty else {
            throw HubError(422, "invalid_update", "\(problems.count) problem(s) in the updates; none was applied. Fix them and send the batch again.", problems: problems)
        }
        self.updates = updates
    }

    /// A string member: 1 to `max` characters without control characters (null or absent when optional).
    static func text(_ value: JSONValue?, _ path: @autoclosure () -> String, max: Int, _ problems: inout ProblemList, optional: Bool = false) -> String? {
        switch value {
        case nil where optional, .null? where optional: return nil
        case .string(let s)?:
            if s.isEmpty || s.count > max { problems.append(path(), "must be 1 to \(max) characters"); return nil }
            if s.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { problems.append(path(), "must not contain control characters"); return nil }
            return s
        case let other:
            problems.append(path(), "expected a string, found \(other?.typeDescription ?? "nothing")")
            return nil
        }
    }

    /// An RFC 3339 date-time (`2026-12-04T10:00:00Z`, `2026-12-04t10:00:00.250+01:00`; a leap
    /// second taken as :59), read byte by byte: a batch holds 10,000 of them.
    static func date(_ s: String) -> Date? {
        let b = Array(s.utf8)
        guard b.count >= 20 else { return nil }
        func digits(_ at: Int, _ n: Int) -> Int? {
            var v = 0
            for k in at..<(at + n) {
                guard k < b.count, b[k] >= 48, b[k] <= 57 else { return nil }
                v = v * 10 + Int(b[k] - 48)
            }
            return v
        }
        guard let year = digits(0, 4), b[4] == 45, let month = digits(5, 2), b[7] == 45, let day = digits(8, 2),
              b[10] == 84 || b[10] == 116, let hour = digits(11, 2), b[13] == 58, let minute = digits(14, 2), b[16] == 58, let second = digits(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60 else { return nil }
        var i = 19
        var fraction = 0.0
        if b[i] == 46 {
            var scale = 0.1
            i += 1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 { fraction += Double(b[i] - 48) * scale; scale /= 10; i += 1 }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }
        var offset = 0
        if b[i] == 90 || b[i] == 122 {
            i += 1
        } else if b[i] == 43 || b[i] == 45, let oh = digits(i + 1, 2), i + 3 < b.count, b[i + 3] == 58, let om = digits(i + 4, 2), oh < 24, om < 60 {
            offset = (b[i] == 45 ? -1 : 1) * (oh * 3600 + om * 60)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        // Days from 1970-01-01 to the civil date (Howard Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}
