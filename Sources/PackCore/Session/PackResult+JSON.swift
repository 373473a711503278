import Foundation

extension PackResult {
    /// The result as JSON, in the shape the server API receives (docs/schema/pack-result.schema.json).
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("order_id", .string(orderID)),
            ("station", .string(station)),
            ("packer", .optional(packer)),
            ("outcome", .string(outcome.rawValue)),
            ("started_at", .string(started)),
            ("ended_at", .string(Self.timestamp(endedAt))),
            ("lines", .array(lines.map(\.json))),
            ("scans", .array(scans.map(\.json))),
        ]
        if let override {
            members.append(("override", .object([
                ("badge", .string(override.badge)),
                ("reasons", .array(override.reasons.map { .string($0.rawValue) })),
                ("at", .string(Self.timestamp(override.at))),
            ])))
        }
        if let box { members.append(("box", .string(box))) }
        if let boxes { members.append(("boxes", .array(boxes.map(\.json)))) }
        return .object(members)
    }

    private var started: String { Self.timestamp(startedAt) }

    /// RFC 3339 with milliseconds, UTC.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

extension PackResult.LineResult {
    /// The line as JSON.
    public var json: JSONValue {
        .object([
            ("sku", .string(sku)),
            ("expected", .int(expected)),
            ("packed", .int(packed)),
            ("short", .int(short)),
            ("short_reason", .optional(shortReason)),
            ("serials", .array(serials.map(JSONValue.string))),
            ("lots", .array(lots.map(JSONValue.string))),
        ])
    }
}

extension PackResult.BoxRecord {
    /// The box as JSON: `{number, lines: [{sku, quantity}], weight_g?}`.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("number", .int(number)),
            ("lines", .array(lines.map { .object([("sku", .string($0.sku)), ("quantity", .int($0.quantity))]) })),
        ]
        if let weightGrams { members.append(("weight_g", .int(weightGrams))) }
        return .object(members)
    }
}

extension PackageLabel {
    /// The label as JSON: `{package, packages, weight_g?, reprint?}`.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("package", .int(package)), ("packages", .int(packages))]
        if let weightGrams { members.append(("weight_g", .int(weightGrams))) }
        if reprint { members.append(("reprint", .bool(true))) }
        return .object(members)
    }
}

extension ScanRecord {
    /// The scan as JSON.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("seq", .int(sequence)),
            ("data", .string(data)),
            ("verdict", .string(verdict.rawValue)),
            ("at", .string(PackResult.timestamp(at))),
        ]
        if let symbology { members.append(("symbology", .string(symbology))) }
        if let sku { members.append(("sku", .string(sku))) }
        if quantity != 0 { members.append(("quantity", .int(quantity))) }
        if let serial { members.append(("serial", .string(serial))) }
        if let lot { members.append(("lot", .string(lot))) }
        return .object(members)
    }
}

extension Verdict {
    /// The verdict's own members (no scan text): `verdict`, `reason`(s), `order`, line counts,
    /// `message`, `notices`.
    public var jsonMembers: [(String, JSONValue)] {
        var members: [(String, JSONValue)] = [("verdict", .string(kind.rawValue))]
        if let first = blockReasons.first {
            members.append(("reason", .string(first.rawValue)))
            members.append(("reasons", .array(blockReasons.map { .string($0.rawValue) })))
        }
        if let orderID { members.append(("order", .string(orderID))) }
        if let packer { members.append(("packer", .string(packer))) }
        if let sku { members.append(("sku", .string(sku))) }
        if let packed { members.append(("packed", .int(packed))) }
        if let expected { members.append(("expected", .int(expected))) }
        if let closedBox { members.append(("box", closedBox.json)) }
        if !labels.isEmpty { members.append(("labels", .array(labels.map(\.json)))) }
        if let voided = reprint?.voided { members.append(("voided", voided.json)) }
        if let supervisor = reprint?.supervisor { members.append(("supervisor", .string(supervisor))) }
        members.append(("message", .string(message)))
        if !notices.isEmpty {
            members.append(("notices", .array(notices.map { .object([("kind", .string($0.kind.rawValue)), ("message", .string($0.message))]) })))
        }
        return members
    }
}
