import PackCore

/// Byte writers for the fields: each appends exactly the UTF-8 of what its `Reader` returns,
/// without building the string, so the compiled ZPL path fills a label without allocating.
/// They read the order in place (an address is borrowed field by field, never copied whole).
extension LabelField {
    typealias Writer = @Sendable (LabelContext, inout ByteWriter) -> Void

    /// A writer in a struct: a dictionary would store a bare closure at its most general
    /// abstraction and calls would go through thunks that copy the whole `LabelContext`.
    struct WriterBox: Sendable {
        let write: Writer

        /// What the writer writes for `context` (tests compare it with the reader's text).
        func bytes(for context: LabelContext) -> [UInt8] {
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { buffer in
                var out = ByteWriter(buffer)
                defer { out.release() }
                write(context, &out)
                return Array(out.bytes)
            }
        }
    }

    /// Appends `text` with control characters made spaces, as `FieldText.clean(_, keepNewlines: false)`.
    @inline(__always) static func appendClean(_ text: String, to out: inout ByteWriter) {
        let plain = text.utf8.withContiguousStorageIfAvailable { p -> Bool in
            for b in p where b < 0x20 || b == 0x7F || b == 0xC2 { return false }
            out.append(p)
            return true
        }
        // Rare: redo through the reference cleaner (C1 controls change the byte count).
        if plain != true { out.append(FieldText.clean(text, keepNewlines: false)) }
    }

    /// One side's address read field by field: each access is an optional chain down to one
    /// string, which the optimizer reads in place. Unwrapping the shipment or the address
    /// (`if let`, `!`, `unsafelyUnwrapped`) copied all of it, a dozen strings, per field.
    struct Side {
        let recipient: Bool

        @inline(__always) func name(_ c: LabelContext) -> String? { recipient ? c.order.shipment?.to.name : c.order.shipment?.from.name }
        @inline(__always) func company(_ c: LabelContext) -> String? { recipient ? c.order.shipment?.to.company : c.order.shipment?.from.company }
        @inline(__always) func street(_ c: LabelContext) -> [String]? { recipient ? c.order.shipment?.to.street : c.order.shipment?.from.street }
        @inline(__always) func city(_ c: LabelContext) -> String? { recipient ? c.order.shipment?.to.city : c.order.shipment?.from.city }
        @inline(__always) func region(_ c: LabelContext) -> String? { recipient ? c.order.shipment?.to.region : c.order.shipment?.from.region }
        @inline(__always) func postalCode(_ c: LabelContext) -> String? { recipient ? c.order.shipment?.to.postalCode : c.order.shipment?.from.postalCode }
        @inline(__always) func country(_ c: LabelContext) -> String? { recipient ? c.order.shipment?.to.country : c.order.shipment?.from.country }
    }

    /// `[postal, city, region]` non-empty parts joined by spaces, each cleaned when `clean`.
    @inline(__always) static func appendCityLine(_ c: LabelContext, _ side: Side, clean: Bool, to out: inout ByteWriter) {
        // `first` goes inout: a nested function capturing it made it a boxed variable with
        // dynamic exclusivity checks.
        var first = true
        appendPart(side.postalCode(c), clean: clean, first: &first, to: &out)
        appendPart(side.city(c), clean: clean, first: &first, to: &out)
        appendPart(side.region(c), clean: clean, first: &first, to: &out)
    }

    @inline(__always) static func appendPart(_ text: String?, clean: Bool, first: inout Bool, to out: inout ByteWriter) {
        guard let text, !text.isEmpty else { return }
        if !first { out.append(0x20) }
        first = false
        if clean { appendClean(text, to: &out) } else { out.append(text) }
    }

    /// `postal` without the bytes `drop` rejects, upper-cased; false (nothing written) when not ASCII.
    @inline(__always) static func appendUpperASCII(_ text: String, drop: (UInt8) -> Bool, to out: inout ByteWriter) -> Bool {
        let done = text.utf8.withContiguousStorageIfAvailable { p -> Bool in
            for b in p where b >= 0x80 { return false }
            out.reserve(p.count)
            for b in p where !drop(b) { out.put(b >= 0x61 && b <= 0x7A ? b - 0x20 : b) }
            return true
        }
        if let done { return done }
        for b in text.utf8 where b >= 0x80 { return false }
        for b in text.utf8 where !drop(b) { out.append(b >= 0x61 && b <= 0x7A ? b - 0x20 : b) }
        return true
    }

    static func appendAddress(_ c: LabelContext, _ side: Side, to out: inout ByteWriter) {
        guard let name = side.name(c) else { return }
        appendClean(name, to: &out)
        if let company = side.company(c), !company.isEmpty {
            out.append(0x0A)
            appendClean(company, to: &out)
        }
        for street in side.street(c) ?? [] {
            out.append(0x0A)
            appendClean(street, to: &out)
        }
        out.append(0x0A)
        appendCityLine(c, side, clean: true, to: &out)
        out.append(0x0A)
        if let country = side.country(c) { out.append(country) }
    }

    static func appendPostalCompact(_ c: LabelContext, recipient: Bool, to out: inout ByteWriter) {
        guard let postal = recipient ? c.order.shipment?.to.postalCode : c.order.shipment?.from.postalCode else { return }
        if !appendUpperASCII(postal, drop: { $0 == 0x20 || $0 == 0x2D }, to: &out) {
            out.append(fields[recipient ? "to.postal_code_compact" : "from.postal_code_compact"]!(c))
        }
    }

    // The closures capture nothing (the side is spelled out), so calling one retains no context.
    static let addressWriters: [(String, WriterBox)] = [
        ("to.address", WriterBox { c, out in appendAddress(c, Side(recipient: true), to: &out) }),
        ("from.address", WriterBox { c, out in appendAddress(c, Side(recipient: false), to: &out) }),
        ("to.city_line", WriterBox { c, out in if case .some = c.order.shipment { appendCityLine(c, Side(recipient: true), clean: false, to: &out) } }),
        ("from.city_line", WriterBox { c, out in if case .some = c.order.shipment { appendCityLine(c, Side(recipient: false), clean: false, to: &out) } }),
        ("to.postal_code_compact", WriterBox { c, out in appendPostalCompact(c, recipient: true, to: &out) }),
        ("from.postal_code_compact", WriterBox { c, out in appendPostalCompact(c, recipient: false, to: &out) }),
    ]

    /// Writers by field name; fields without a dedicated writer append their reader's string.
    static let writers: [String: WriterBox] = {
        var table: [String: WriterBox] = [
            "order.id": WriterBox { c, out in out.append(c.order.id) },
            "carrier": WriterBox { c, out in if let s = c.order.shipment?.carrier { out.append(s) } },
            "service": WriterBox { c, out in if let s = c.order.shipment?.service { out.append(s) } },
            "tracking": WriterBox { c, out in if let s = c.order.shipment?.tracking(package: c.package) { out.append(s) } },
            "priority": WriterBox { c, out in
                switch c.order.priority {
                case .standard: break
                case .express: out.append(ascii: "EXPRESS")
                case .sameDay: out.append(ascii: "SAME DAY")
                }
            },
            "weight": WriterBox { c, out in
                guard let grams = c.packageWeightGrams else { return }
                guard grams >= 0 else { return out.append(fields["weight"]!(c)) }
                out.reserve(28)
                out.put(number: grams / 1000)
                out.put(UInt8(ascii: "."))
                let cents = grams % 1000 / 10
                out.put(48 &+ UInt8(cents / 10))
                out.put(48 &+ UInt8(cents % 10))
                out.put(ascii: " kg")
            },
            "routing": WriterBox { c, out in
                guard let country = c.order.shipment?.to.country else { return }
                guard let postal = c.order.shipment?.to.postalCode else { return out.append(country) }
                guard postal.utf8.allSatisfy({ $0 < 0x80 }) else { return out.append(fields["routing"]!(c)) }
                if postal.utf8.allSatisfy({ $0 == 0x20 }) { return out.append(country) }
                out.append(country)
                out.append(UInt8(ascii: "-"))
                _ = appendUpperASCII(postal, drop: { $0 == 0x20 }, to: &out)
            },
            "packages": WriterBox { c, out in out.append(number: c.packageCount) },
            "package": WriterBox { c, out in out.append(number: c.package) },
        ]
        for (name, writer) in addressWriters { table[name] = writer }
        for (name, reader) in fields where table[name] == nil {
            table[name] = WriterBox { c, out in out.append(reader(c)) }
        }
        return table
    }()
}
