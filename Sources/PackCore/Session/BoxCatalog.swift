/// The boxes a bench has, for suggesting the smallest one that fits.
public struct Box: Hashable, Sendable {
    /// The name the packer knows, e.g. `S`, `M-20`.
    public var name: String
    /// Inner size.
    public var inner: Dimensions
    /// Heaviest content allowed, when limited.
    public var maxWeightGrams: Int?

    /// Creates a box.
    public init(name: String, inner: Dimensions, maxWeightGrams: Int? = nil) {
        self.name = name
        self.inner = inner
        self.maxWeightGrams = maxWeightGrams
    }

    /// A common set of shipping cartons, used when none are configured.
    public static let standard: [Box] = [
        Box(name: "XS", inner: Dimensions(length: 200, width: 150, height: 100), maxWeightGrams: 5_000),
        Box(name: "S", inner: Dimensions(length: 300, width: 200, height: 150), maxWeightGrams: 10_000),
        Box(name: "M", inner: Dimensions(length: 400, width: 300, height: 200), maxWeightGrams: 20_000),
        Box(name: "L", inner: Dimensions(length: 500, width: 400, height: 300), maxWeightGrams: 30_000),
        Box(name: "XL", inner: Dimensions(length: 600, width: 500, height: 400), maxWeightGrams: 31_500),
    ]

    /// Goods fill a box only so well; this share of its volume is usable.
    static let fillFactor = 0.8

    /// The smallest box (by volume) that holds every unit of the order: each unit fits the box
    /// turned any way, the units' total volume fits the usable volume, and the weight is allowed.
    /// Nil when a line has no dimensions or nothing fits.
    public static func suggest(for lines: [Order.Line], from boxes: [Box]) -> Box? {
        var volume = 0
        var weight = 0
        var largest = [0, 0, 0]
        for line in lines {
            guard let d = line.dimensions else { return nil }
            volume += d.volume * line.quantity
            weight += (line.weightGrams ?? 0) * line.quantity
            largest = zip(largest, d.sortedSides).map { max($0, $1) }
        }
        return boxes
            .filter { box in
                zip(box.inner.sortedSides, largest).allSatisfy { $0 >= $1 }
                    && Double(box.inner.volume) * fillFactor >= Double(volume)
                    && (box.maxWeightGrams.map { weight <= $0 } ?? true)
            }
            .min { $0.inner.volume < $1.inner.volume }
    }
}
