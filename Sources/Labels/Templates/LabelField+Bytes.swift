import PackCore

/// Byte writers for the fields: each appends exactly the UTF-8 of what its `Reader` returns,
/// without building the string, so the compiled ZPL path fills a label without allocating.
extension LabelField {
    typealias Writer = @Sendable (LabelContext, inout [UInt8]) -> Void

    /// A writer in a struct: a dictionary would store a bare closure at its most general
    /// abstraction and calls would go through thunks that copy the whole `LabelContext`.
    struct WriterBox: Sendable {
        let write: Writer
    }

    /// Appends `text` with control characters made spaces, as `FieldText.clean(_, keepNewlines: false)`.
    @inline(__always) static func appendClean(_ text: String, to out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: text.utf8)
        var i = start
        while i < out.count {
            let b = out[i]
            if b < 0x20 || b == 0x7F || b == 0xC2 {
                // Rare: redo through the reference cleaner (C1 controls change the byte count).
                out.removeSubrange(start...)
                out.append(contentsOf: FieldText.clean(text, keepNewlines: false).utf8)
                return
            }
            i += 1
        }
    }

    /// `[postal, city, region]` non-empty parts joined by spaces, each cleaned when `clean`.
    @inline(__always) static func appendCityLine(_ a: Address, clean: Bool, to out: inout [UInt8]) {
        var first = true
        @inline(__always) func part(_ text: String?) {
            guard let text, !text.isEmpty else { return }
            if !first { out.append(0x20) }
            first = false
            if clean { appendClean(text, to: &out) } else { out.append(contentsOf: text.utf8) }
        }
        part(a.postalCode)
        part(a.city)
        part(a.region)
    }

    /// `postal` without the bytes `drop` rejects, upper-cased; false (nothing written) when not ASCII.
    @inline(__always) static func appendUpperASCII(_ text: String, drop: (UInt8) -> Bool, to out: inout [UInt8]) -> Bool {
        for b in text.utf8 where b >= 0x80 { return false }
        for b in text.utf8 where !drop(b) { out.append(b >= 0x61 && b <= 0x7A ? b - 0x20 : b) }
        return true
    }

    /// The recipient's or the sender's address, without copying the whole shipment.
    @inline(__always) static func address(_ c: LabelContext, recipient: Bool) -> Address? {
        recipient ? c.order.shipment?.to : c.order.shipment?.from
    }

    static func addressWriters(recipient: Bool) -> [(String, WriterBox)] {
        let prefix = recipient ? "to." : "from."
        return [
            ("address", WriterBox { c, out in
                guard let a = address(c, recipient: recipient) else { return }
                appendClean(a.name, to: &out)
                if let company = a.company, !company.isEmpty {
                    out.append(0x0A)
                    appendClean(company, to: &out)
                }
                for street in a.street {
                    out.append(0x0A)
                    appendClean(street, to: &out)
                }
                out.append(0x0A)
                appendCityLine(a, clean: true, to: &out)
                out.append(0x0A)
                out.append(contentsOf: a.country.utf8)
            }),
            ("city_line", WriterBox { c, out in
                guard let a = address(c, recipient: recipient) else { return }
                appendCityLine(a, clean: false, to: &out)
            }),
            ("postal_code_compact", WriterBox { c, out in
                guard let postal = address(c, recipient: recipient)?.postalCode else { return }
                if !appendUpperASCII(postal, drop: { $0 == 0x20 || $0 == 0x2D }, to: &out) {
                    out.append(contentsOf: fields[prefix + "postal_code_compact"]!(c).utf8)
                }
            }),
        ]
    }

    /// Writers by field name; fields without a dedicated writer append their reader's string.
    static let writers: [String: WriterBox] = {
        var table: [String: WriterBox] = [
            "order.id": WriterBox { c, out in out.append(contentsOf: c.order.id.utf8) },
            "carrier": WriterBox { c, out in if let s = c.order.shipment?.carrier { out.append(contentsOf: s.utf8) } },
            "service": WriterBox { c, out in if let s = c.order.shipment?.service { out.append(contentsOf: s.utf8) } },
            "tracking": WriterBox { c, out in if let s = c.order.shipment?.tracking { out.append(contentsOf: s.utf8) } },
            "priority": WriterBox { c, out in
                switch c.order.priority {
                case .standard: break
                case .express: out.append(ascii: "EXPRESS")
                case .sameDay: out.append(ascii: "SAME DAY")
                }
            },
            "weight": WriterBox { c, out in
                var grams = 0
                for line in c.order.lines {
                    guard let w = line.weightGrams else { return }
                    grams += w * line.quantity
                }
                guard grams >= 0 else { return out.append(contentsOf: fields["weight"]!(c).utf8) }
                out.append(number: grams / 1000)
                out.append(UInt8(ascii: "."))
                let cents = grams % 1000 / 10
                out.append(48 &+ UInt8(cents / 10))
                out.append(48 &+ UInt8(cents % 10))
                out.append(ascii: " kg")
            },
            "routing": WriterBox { c, out in
                guard let to = c.order.shipment?.to else { return }
                let postal = to.postalCode ?? ""
                guard postal.utf8.allSatisfy({ $0 < 0x80 }) else { return out.append(contentsOf: fields["routing"]!(c).utf8) }
                if postal.utf8.allSatisfy({ $0 == 0x20 }) { return out.append(contentsOf: to.country.utf8) }
                out.append(contentsOf: to.country.utf8)
                out.append(UInt8(ascii: "-"))
                _ = appendUpperASCII(postal, drop: { $0 == 0x20 }, to: &out)
            },
            "packages": WriterBox { c, out in out.append(number: c.order.shipment?.packages ?? 1) },
            "package": WriterBox { c, out in out.append(number: c.package) },
        ]
        for (name, writer) in addressWriters(recipient: true) { table["to." + name] = writer }
        for (name, writer) in addressWriters(recipient: false) { table["from." + name] = writer }
        for (name, reader) in fields where table[name] == nil {
            table[name] = WriterBox { c, out in out.append(contentsOf: reader(c).utf8) }
        }
        return table
    }()
}
