/// The member names of one large object, by hash, so that finding a name twice costs the same
/// for the millionth member as for the twentieth (a linear scan per member made a
/// 160,000-member object take ~15 times as long as a 40,000-member one).
///
/// Hashes are `String` hashes of the decoded names: seeded per process, so a document cannot
/// be built to collide, and equal under the same canonical equivalence as `String ==`.
struct JSONNameTable {
    /// Name token index + 1 per slot; 0 is empty.
    private var slots: [Int32] = []
    private var hashes: [Int] = []
    private var count = 0

    init() {}

    init(capacity: Int) {
        slots = Array(repeating: 0, count: capacity)
        hashes = Array(repeating: 0, count: capacity)
    }

    /// Adds the name; false when an equal name is already in the table.
    mutating func insert(_ name: Int, scanner: inout JSONScanner) -> Bool {
        if (count + 1) * 2 > slots.count { grow() }
        let hash = scanner.decodedText(name).hashValue
        let mask = slots.count - 1
        var i = hash & mask
        scanner.statistics.nameChecks += 1
        while slots[i] != 0 {
            scanner.statistics.nameChecks += 1
            if hashes[i] == hash, scanner.sameName(Int(slots[i]) - 1, name) { return false }
            i = (i + 1) & mask
        }
        slots[i] = Int32(name + 1)
        hashes[i] = hash
        count += 1
        return true
    }

    private mutating func grow() {
        var bigger = JSONNameTable(capacity: max(64, slots.count * 2))
        let mask = bigger.slots.count - 1
        for (slot, hash) in zip(slots, hashes) where slot != 0 {
            var i = hash & mask
            while bigger.slots[i] != 0 { i = (i + 1) & mask }
            bigger.slots[i] = slot
            bigger.hashes[i] = hash
        }
        bigger.count = count
        self = bigger
    }
}
