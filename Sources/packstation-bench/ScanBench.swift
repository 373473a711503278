import Barcodes
import Foundation
import PackCore

/// 1,000,000 scans through barcode normalization and the pack session, timed one by one;
/// then barcode interpretation alone side by side with biip (jodal/biip, Python) on the same data.
enum ScanBench {
    static let scanCount = 1_000_000
    static let gs = "\u{1D}"

    static func gtin(_ body: String) -> String {
        var sum = 0
        for (i, c) in body.reversed().enumerated() { sum += Int(String(c))! * (i % 2 == 0 ? 3 : 1) }
        return body + String((10 - sum % 10) % 10)
    }

    /// Orders of 5 lines × 2 units, barcodes printed in several GTIN forms.
    static func makeOrders(_ count: Int) -> [Order] {
        (0..<count).map { n in
            let lines = (0..<5).map { l -> Order.Line in
                let g13 = gtin(String(format: "40%05d%05d", n % 100_000, l))
                return Order.Line(sku: "SKU-\(n)-\(l)", quantity: 2, barcodes: [g13], serialized: l == 4)
            }
            return Order(id: "\(100_000 + n)", barcodes: ["ORD-\(100_000 + n)"], lines: lines)
        }
    }

    /// The scans that pack each order, in the forms scanners send them, plus a wrong item and a bad scan.
    static func scans(for order: Order) -> [String] {
        var out = ["ORD-\(order.id)", "4006381333932", "5060123456783"]
        for (l, line) in order.lines.enumerated() {
            let g13 = line.barcodes[0]
            for unit in 0..<2 {
                switch (l, unit) {
                case (4, _): out.append("]d201" + "0" + g13 + "21SN\(order.id)\(unit)" + gs + "10LOT\(l)" + gs + "17261231")
                case (0, 0): out.append(g13)
                case (0, 1): out.append("]E0" + g13)
                case (1, _): out.append("]C1010" + g13 + "10LOT\(unit)")
                case (2, _): out.append("https://id.gs1.org/01/0\(g13)?17=271231")
                default: out.append("0" + g13)
                }
            }
        }
        return out
    }

    static func run() {
        let orders = makeOrders(5_000)
        let catalog = try! OrderCatalog(orders)
        var stream: [String] = []
        var o = 0
        while stream.count < scanCount {
            stream += scans(for: orders[o % orders.count])
            o += 1
        }
        stream.removeLast(stream.count - scanCount)
        var session = PackSession()
        var samples = [UInt64](repeating: 0, count: stream.count)
        var counts: [Verdict.Kind: Int] = [:]
        let t0 = Date()
        let start = Measure.now()
        for (i, scan) in stream.enumerated() {
            let s = Measure.now()
            let verdict: Verdict
            switch session.handle(.scan(scan), at: t0) {
            case .verdict(let v): verdict = v
            case .lookUpOrder(let code): verdict = session.orderLookedUp(catalog.order(forBarcode: code), at: t0)
            }
            samples[i] = Measure.now() - s
            counts[verdict.kind, default: 0] += 1
        }
        let total = Double(Measure.now() - start) / 1e9
        samples.sort()
        func us(_ ns: UInt64) -> String { String(format: "%.2f µs", Double(ns) / 1000) }
        print("\(stream.count) scans through Barcode.parse + PackSession (lookups answered from an in-memory catalog of \(orders.count) orders), one core:\n")
        print("| scans/s | p50 | p99 | p99.9 | max | peak RSS |")
        print("|---:|---:|---:|---:|---:|---:|")
        print(String(format: "| %.0f | %@ | %@ | %@ | %@ | %.0f MiB |", Double(stream.count) / total, us(Measure.quantile(samples, 0.5)), us(Measure.quantile(samples, 0.99)), us(Measure.quantile(samples, 0.999)), us(samples.last!), Measure.peakRSSMiB()))
        print("\nverdicts: " + counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", "))
        comparePeer(stream: Array(stream.prefix(60_000)))
    }

    /// Barcode interpretation alone: ours against biip on the same scans.
    static func comparePeer(stream: [String]) {
        let corpus = stream.filter { !$0.hasPrefix("ORD-") }
        let start = Measure.now()
        var products = 0
        for scan in corpus {
            if case .success(let b) = Barcode.parse(scan), case .product = b.content { products += 1 }
        }
        let ours = Double(Measure.now() - start) / 1e9
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("packstation-bench-scans.txt")
        try? corpus.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let script = """
            import sys, time
            try:
                import biip
            except ImportError:
                print("missing"); sys.exit(0)
            scans = open(sys.argv[1], encoding="utf-8").read().split("\\n")
            t = time.perf_counter(); ok = 0
            for s in scans:
                try:
                    r = biip.parse(s); ok += 1 if (r.gtin or r.gs1_message) else 0
                except Exception:
                    pass
            print(f"{len(scans)/(time.perf_counter()-t):.0f} {ok} {biip.__version__ if hasattr(biip, '__version__') else ''}")
            """
        let scriptFile = FileManager.default.temporaryDirectory.appendingPathComponent("packstation-bench-biip.py")
        try? script.write(to: scriptFile, atomically: true, encoding: .utf8)
        let peer = Measure.shell("python3 \(scriptFile.path) \(file.path)").output.trimmingCharacters(in: .whitespacesAndNewlines)
        print("\nBarcode interpretation only, \(corpus.count) scans (EAN-13, UPC-A as GTIN-14, GS1-128, GS1 DataMatrix with AIM ids, Digital Link, a bad check digit):\n")
        print("| implementation | scans/s | relative |")
        print("|---|---:|---:|")
        let oursRate = Double(corpus.count) / ours
        print(String(format: "| packstation Barcode.parse (Swift, release) | %.0f | 1× |", oursRate))
        if peer == "missing" || peer.isEmpty {
            print("| biip (Python) | not installed: `pip install biip` | |")
        } else {
            let rate = Double(peer.split(separator: " ")[0]) ?? .nan
            print(String(format: "| biip (Python) | %.0f | %.3f× |", rate, rate / oursRate))
        }
    }
}
