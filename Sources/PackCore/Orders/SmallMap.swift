/// A map kept as a plain array while small and as a dictionary once it grows.
///
/// Order validation looks up a handful of SKUs and barcodes per order; hashing each of them
/// (SipHash over every key, and dictionaries resized as they fill) cost more than reading the
/// rest of the order. Past `smallLimit` entries it hashes, so a hostile order with thousands of
/// lines stays linear.
struct SmallMap<Key: Hashable, Value> {
    /// Entries kept in the array before the map switches to hashing.
    static var smallLimit: Int { 16 }

    private var small: [(key: Key, value: Value)] = []
    private var large: [Key: Value]?

    /// The value for a key, if any.
    subscript(key: Key) -> Value? {
        if let large { return large[key] }
        for entry in small where entry.key == key { return entry.value }
        return nil
    }

    /// Sets the value for a key, replacing an earlier one.
    mutating func set(_ key: Key, _ value: Value) {
        if large != nil {
            large![key] = value
            return
        }
        if let i = small.firstIndex(where: { $0.key == key }) {
            small[i].value = value
            return
        }
        guard small.count >= Self.smallLimit else {
            if small.isEmpty { small.reserveCapacity(Self.smallLimit) }
            small.append((key, value))
            return
        }
        var hashed = [Key: Value](minimumCapacity: Self.smallLimit * 4)
        for entry in small { hashed[entry.key] = entry.value }
        hashed[key] = value
        large = hashed
        small = []
    }

    /// Adds the key with this value unless it is there; whether it was added.
    mutating func insert(_ key: Key, _ value: Value) -> Bool {
        guard self[key] == nil else { return false }
        set(key, value)
        return true
    }
}
