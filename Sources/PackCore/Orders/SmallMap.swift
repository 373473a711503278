/// A map kept as plain arrays while small and as a dictionary once it grows.
///
/// Order validation looks up a handful of SKUs and barcodes per order; hashing each of them
/// (SipHash over every key, and dictionaries resized as they fill) cost more than reading the
/// rest of the order. Past `smallLimit` entries it hashes, so a hostile order with thousands of
/// lines stays linear. Keys and values are two arrays rather than one of tuples, which the
/// runtime would destroy element by element through tuple metadata.
struct SmallMap<Key: Hashable, Value> {
    /// Entries kept in the arrays before the map switches to hashing.
    static var smallLimit: Int { 16 }

    private var keys: [Key] = []
    private var values: [Value] = []
    private var large: [Key: Value]?

    /// The value for a key, if any.
    subscript(key: Key) -> Value? {
        if let large { return large[key] }
        if let i = keys.firstIndex(of: key) { return values[i] }
        return nil
    }

    /// Sets the value for a key, replacing an earlier one.
    mutating func set(_ key: Key, _ value: Value) {
        if large != nil {
            large![key] = value
            return
        }
        if let i = keys.firstIndex(of: key) {
            values[i] = value
            return
        }
        append(key, value)
    }

    /// Adds the key with this value unless it is there; whether it was added.
    mutating func insert(_ key: Key, _ value: Value) -> Bool {
        valueOrInsert(key, value) == nil
    }

    /// The value already held for the key; or nil, after adding the key with this value (one
    /// search where a lookup and then `set` would make two).
    mutating func valueOrInsert(_ key: Key, _ value: Value) -> Value? {
        if large != nil {
            if let old = large![key] { return old }
            large![key] = value
            return nil
        }
        if let i = keys.firstIndex(of: key) { return values[i] }
        append(key, value)
        return nil
    }

    /// Adds a key known to be absent.
    private mutating func append(_ key: Key, _ value: Value) {
        guard keys.count >= Self.smallLimit else {
            if keys.isEmpty {
                keys.reserveCapacity(Self.smallLimit)
                values.reserveCapacity(Self.smallLimit)
            }
            keys.append(key)
            values.append(value)
            return
        }
        var hashed = [Key: Value](minimumCapacity: Self.smallLimit * 4)
        for (k, v) in zip(keys, values) { hashed[k] = v }
        hashed[key] = value
        large = hashed
        keys = []
        values = []
    }
}
