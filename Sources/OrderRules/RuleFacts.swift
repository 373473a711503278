import PackCore

/// What rules look at in an order, read once so each rule's conditions are cheap to test.
public struct RuleFacts: Hashable, Sendable {
    /// The order's id.
    public var orderID: String
    /// `shipment.to.country`, when there is a shipment.
    public var country: String?
    /// `shipment.to.postal_code`, normalized as postcode ranges compare it.
    public var postcode: String?
    /// `value.amount` in hundredths.
    public var valueHundredths: Int?
    /// `value.currency`.
    public var currency: String?
    /// `priority`.
    public var priority: Order.Priority
    /// `status` as imported.
    public var status: Order.Status
    /// `flags`.
    public var flags: [String]
    /// Every line's SKU.
    public var skus: Set<String>
    /// The sum of `weight_g` × `quantity` over the lines; nil when a line has no weight.
    public var weightGrams: Int?
    /// `channel`.
    public var channel: String?
    /// `shipment.carrier` and `shipment.service`, when there is a shipment.
    public var carrier: String?
    /// See `carrier`.
    public var service: String?

    /// The facts of an order.
    public init(order: Order) {
        orderID = order.id
        let to = order.shipment?.to
        country = to?.country
        postcode = to?.postalCode.map(PostcodeRange.normalize)
        valueHundredths = order.value?.hundredths
        currency = order.value?.currency
        priority = order.priority
        status = order.status
        flags = order.flags
        skus = Set(order.lines.map(\.sku))
        var total: Int? = 0
        for line in order.lines {
            guard let grams = line.weightGrams, let sum = total else { total = nil; break }
            let (each, o1) = grams.multipliedReportingOverflow(by: line.quantity)
            let (next, o2) = sum.addingReportingOverflow(each)
            total = o1 || o2 ? nil : next
        }
        weightGrams = total
        channel = order.channel
        carrier = order.shipment?.carrier
        service = order.shipment?.service
    }
}

extension Condition {
    /// Whether the condition holds for an order. A condition on something the order does not
    /// have (no shipment, no value, a line without weight) does not hold.
    public func holds(for facts: RuleFacts) -> Bool {
        switch self {
        case .country(let countries):
            return facts.country.map(countries.contains) ?? false
        case .postcode(let byCountry):
            guard let country = facts.country, let code = facts.postcode, let ranges = byCountry[country] else { return false }
            return ranges.contains { $0.contains(code) }
        case .value(let min, let max, let currency):
            guard facts.currency == currency, let amount = facts.valueHundredths else { return false }
            return amount >= (min ?? .min) && amount <= (max ?? .max)
        case .priority(let priorities):
            return priorities.contains(facts.priority)
        case .flags(let any, let all, let none):
            return (any.isEmpty || any.contains(where: facts.flags.contains))
                && all.allSatisfy(facts.flags.contains)
                && !none.contains(where: facts.flags.contains)
        case .sku(let skus):
            return !skus.isDisjoint(with: facts.skus)
        case .weight(let min, let max):
            guard let grams = facts.weightGrams else { return false }
            return grams >= (min ?? .min) && grams <= (max ?? .max)
        case .channel(let channels):
            return facts.channel.map(channels.contains) ?? false
        }
    }
}
