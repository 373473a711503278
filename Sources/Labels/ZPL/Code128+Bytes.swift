/// Code 128 for the ZPL fast path: the same subset choice as `Code128(items:)`, computed on the
/// stack over raw bytes (0x1D standing for FNC1) so a label's barcodes allocate nothing.
extension Code128 {
    /// The byte that stands for FNC1 in `items` (data bytes are printable ASCII, so it never clashes).
    static let fnc1Byte: UInt8 = 0x1D

    /// Whether `byte` may be ^BC data in subset B: printable ASCII except ZPL's `^` and `~`.
    @inline(__always) static func isEncodable(_ byte: UInt8) -> Bool {
        byte >= 0x20 && byte < 0x7F && byte != 0x5E && byte != 0x7E
    }

    /// Runs `body` with the symbol's width in modules and a writer of its ^BC field data;
    /// the cost tables live in a temporary (stack) allocation. `items` must not be empty.
    static func withZPLEncoding<R>(_ items: UnsafeBufferPointer<UInt8>, _ body: (_ modules: Int, _ plan: Plan) -> R) -> R {
        let n = items.count
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * (n + 1)) { cost in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * (n + 1)) { step in
                let inf = Int32.max / 4
                @inline(__always) func isDigit(_ i: Int) -> Bool { items[i] >= 48 && items[i] <= 57 }
                cost[2 * n] = 0
                cost[2 * n + 1] = 0
                // Same recurrence and tie-breaking as `init(items:)`.
                for i in stride(from: n - 1, through: 0, by: -1) {
                    cost[2 * i] = 1 + min(cost[2 * i + 2], 1 + cost[2 * i + 3])
                    step[2 * i] = 1
                    if items[i] == fnc1Byte {
                        cost[2 * i + 1] = 1 + min(cost[2 * i + 3], 1 + cost[2 * i + 2])
                        step[2 * i + 1] = 1
                    } else if i + 1 < n, isDigit(i), isDigit(i + 1) {
                        cost[2 * i + 1] = 1 + min(cost[2 * i + 5], 1 + cost[2 * i + 4])
                        step[2 * i + 1] = 2
                    } else {
                        cost[2 * i + 1] = inf
                        step[2 * i + 1] = 0
                    }
                }
                let plan = Plan(items: items, cost: UnsafeBufferPointer(cost), step: UnsafeBufferPointer(step))
                // The walk follows the cheapest path, so its characters are the DP cost: plus start, check, stop.
                let characters = Int(min(cost[0], cost[1])) + 3
                return body(characters * 11 + 2, plan)
            }
        }
    }

    /// The chosen encoding, valid inside `withZPLEncoding`'s body.
    struct Plan {
        let items: UnsafeBufferPointer<UInt8>
        let cost: UnsafeBufferPointer<Int32>
        let step: UnsafeBufferPointer<UInt8>

        /// Appends the ^BC data exactly as `Code128.appendZPL` does.
        func appendZPL(to out: inout [UInt8]) {
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { buffer in
                var writer = ByteWriter(buffer)
                defer { writer.release() }
                appendZPL(to: &writer)
                out.append(contentsOf: writer.bytes)
            }
        }

        /// The most bytes `appendZPL` writes: per item at most 3 (`_XX`) plus a 2-byte subset switch.
        var maximumZPLBytes: Int { 2 + 5 * items.count }

        /// Appends the ^BC data exactly as `Code128.appendZPL` does.
        func appendZPL(to out: inout ByteWriter) {
            let n = items.count
            out.reserve(maximumZPLBytes)
            var subset = cost[1] < cost[0] ? 1 : 0
            out.put(ascii: subset == 0 ? ">:" : ">;")
            var i = 0
            while i < n {
                let k = Int(step[2 * i + subset])
                for j in i..<(i + k) {
                    let c = items[j]
                    if c == Code128.fnc1Byte {
                        out.put(ascii: ">8")
                    } else if c == UInt8(ascii: ">") {
                        out.put(ascii: "><")
                    } else if ZPLEscape.needsEscape(c) {
                        out.put(hexEscaped: c)
                    } else {
                        out.put(c)
                    }
                }
                i += k
                guard i < n else { break }
                let other = 1 - subset
                if cost[2 * i + other] + 1 < cost[2 * i + subset] {
                    subset = other
                    out.put(ascii: subset == 0 ? ">6" : ">5")
                }
            }
        }
    }
}
