/// An order to pack, as the central server (or a local file) describes it.
///
/// The schema is written down in docs/schema/order.schema.json; `Order.decode(from:)`
/// enforces it and the rules JSON Schema cannot express (unique SKUs, unique barcodes).
public struct Order: Hashable, Sendable, Identifiable {
    /// The server's order id.
    public var id: String
    /// Barcodes that open this order at the bench: the order number, a tote, a pick list.
    public var barcodes: [String]
    /// Where the order is in its life cycle.
    public var status: Status
    /// Whether the money is in; only `captured` may ship.
    public var payment: Payment
    /// How fast it must leave.
    public var priority: Priority
    /// The promised ship date (`YYYY-MM-DD`, the warehouse's calendar day), when the shop gives
    /// one; the hub's queue puts the oldest first within a priority.
    public var shipBy: String?
    /// What the goods are worth, for the high-value highlight and customs.
    public var value: Money?
    /// Free-form markers such as `gift`, `fragile`, `vip`.
    public var flags: [String]
    /// A note for the packer.
    public var notes: String?
    /// The gift message to print on the packing slip.
    public var giftMessage: String?
    /// What goes in the box.
    public var lines: [Line]
    /// Where it goes and how.
    public var shipment: Shipment?
    /// Who bought it, for notices (e-mail, language); optional.
    public var customer: Customer?
    /// The sales channel the order came from (`shopify`, `amazon`, `b2b`, …), for rules.
    public var channel: String?
    /// What the hub's automation rules decided (Order+Rules.swift); only the hub sets it.
    public var rules: RuleDecisions?

    /// The buyer, as far as the order system tells: where to send notices and in which language.
    public struct Customer: Hashable, Sendable {
        /// The customer's name (may differ from the recipient's).
        public var name: String?
        /// Where notices go: one '@', at most 254 characters.
        public var email: String?
        /// A BCP 47 language tag such as `es`, `en-GB` or `es-MX`; notices fall back to English.
        public var language: String?

        /// Creates a customer.
        public init(name: String? = nil, email: String? = nil, language: String? = nil) {
            self.name = name
            self.email = email
            self.language = language
        }

        /// The primary language subtag, lowercased (`es` of `es-MX`), or nil.
        public var primaryLanguage: String? {
            language.flatMap { $0.split(separator: "-").first.map { $0.lowercased() } }
        }
    }

    /// The order statuses.
    public enum Status: String, Hashable, Sendable, CaseIterable {
        case ready, onHold = "on_hold", cancelled, packed
    }

    /// The payment states.
    public enum Payment: String, Hashable, Sendable, CaseIterable {
        case captured, authorized, pending, failed
    }

    /// The shipping priorities.
    public enum Priority: String, Hashable, Sendable, CaseIterable {
        case standard, express, sameDay = "same_day"

        /// The place in the hub's queue: same day first, then express, then standard.
        public var urgencyRank: Int {
            switch self {
            case .sameDay: 0
            case .express: 1
            case .standard: 2
            }
        }
    }

    /// One product line of an order.
    public struct Line: Hashable, Sendable {
        /// The stock keeping unit; scanning it as text also matches the line.
        public var sku: String
        /// What the packer sees.
        public var description: String
        /// Units to pack, at least 1.
        public var quantity: Int
        /// Product barcodes (GTINs in any form, or custom labels).
        public var barcodes: [String]
        /// Whether every unit must be scanned with its own serial number.
        public var serialized: Bool
        /// Outer size of one unit, when known (for the box suggestion).
        public var dimensions: Dimensions?
        /// Weight of one unit in grams, when known.
        public var weightGrams: Int?

        /// Creates a line.
        public init(sku: String, description: String = "", quantity: Int, barcodes: [String] = [], serialized: Bool = false, dimensions: Dimensions? = nil, weightGrams: Int? = nil) {
            self.sku = sku
            self.description = description
            self.quantity = quantity
            self.barcodes = barcodes
            self.serialized = serialized
            self.dimensions = dimensions
            self.weightGrams = weightGrams
        }
    }

    /// Creates an order.
    public init(id: String, barcodes: [String] = [], status: Status = .ready, payment: Payment = .captured, priority: Priority = .standard, shipBy: String? = nil, value: Money? = nil, flags: [String] = [], notes: String? = nil, giftMessage: String? = nil, lines: [Line], shipment: Shipment? = nil, customer: Customer? = nil, channel: String? = nil, rules: RuleDecisions? = nil) {
        self.id = id
        self.barcodes = barcodes
        self.status = status
        self.payment = payment
        self.priority = priority
        self.shipBy = shipBy
        self.value = value
        self.flags = flags
        self.notes = notes
        self.giftMessage = giftMessage
        self.lines = lines
        self.shipment = shipment
        self.customer = customer
        self.channel = channel
        self.rules = rules
    }

    /// Whether a gift insert goes in the box.
    public var isGift: Bool { giftMessage != nil || flags.contains { $0 == "gift" || $0 == "gift_insert" } }
}

/// An amount of money, kept as its decimal text so it is never rounded.
public struct Money: Hashable, Sendable {
    /// The amount as written, e.g. `"1249.90"`.
    public var amount: String
    /// ISO 4217 code, e.g. `EUR`.
    public var currency: String

    /// Creates an amount.
    public init(amount: String, currency: String) {
        self.amount = amount
        self.currency = currency
    }

    /// The amount in minor units (hundredths), for comparisons against thresholds.
    public var hundredths: Int? { Money.hundredths(of: amount) }

    /// Parses a non-negative decimal with at most two fraction digits into hundredths: ASCII
    /// digits, an optional sign (`+5`, `-0`), an optional point followed by one or two digits.
    /// Amounts whose hundredths do not fit an `Int` are refused.
    static func hundredths(of text: String) -> Int? {
        // Over the bytes in place: iterating `text.utf8` cost ~40 instructions a byte.
        var text = text
        return text.withUTF8(hundredths(ofBytes:))
    }

    private static func hundredths(ofBytes bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var whole = 0, cents = 0, wholeDigits = 0, fractionDigits = -1  // -1: no point yet
        var negative = false
        for (i, b) in bytes.enumerated() {
            switch b {
            case UInt8(ascii: "+") where i == 0: continue
            case UInt8(ascii: "-") where i == 0: negative = true
            case UInt8(ascii: ".") where fractionDigits < 0: fractionDigits = 0
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = Int(b - UInt8(ascii: "0"))
                if fractionDigits < 0 {
                    let (times10, o1) = whole.multipliedReportingOverflow(by: 10)
                    let (sum, o2) = times10.addingReportingOverflow(digit)
                    guard !o1, !o2 else { return nil }
                    whole = sum
                    wholeDigits += 1
                } else {
                    guard fractionDigits < 2 else { return nil }
                    cents = cents * 10 + digit
                    fractionDigits += 1
                }
            default: return nil
            }
        }
        guard wholeDigits > 0, fractionDigits != 0, !negative || whole == 0 else { return nil }
        if fractionDigits == 1 { cents *= 10 }
        let (total, o1) = whole.multipliedReportingOverflow(by: 100)
        let (sum, o2) = total.addingReportingOverflow(cents)
        return o1 || o2 ? nil : sum
    }
}

/// The outer size of a unit or the inner size of a box, in millimetres.
public struct Dimensions: Hashable, Sendable {
    /// Length in mm.
    public var length: Int
    /// Width in mm.
    public var width: Int
    /// Height in mm.
    public var height: Int

    /// Creates dimensions.
    public init(length: Int, width: Int, height: Int) {
        self.length = length
        self.width = width
        self.height = height
    }

    /// Volume in cubic millimetres.
    public var volume: Int { length * width * height }
    /// The three sides, longest first (so a unit can be turned to fit).
    public var sortedSides: [Int] { [length, width, height].sorted(by: >) }
}
