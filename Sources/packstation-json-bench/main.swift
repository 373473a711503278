// packstation-json-bench: order JSON decoding in MB/s on one core, beside Python's json.loads and
// Foundation's JSONSerialization on the same file in the same run (docs/benchmarks.md, "JSON").
//
//     scripts/make-order-corpus.py /tmp/orders.json
//     swift build -c release --product packstation-json-bench
//     .build/release/packstation-json-bench /tmp/orders.json [ROUNDS] [decode|parse]
//
// With `decode` only the in-place order decoding runs, with `parse` only `JSONParser.parse`, for a
// profiler (`valgrind --tool=callgrind .build/release/packstation-json-bench /tmp/orders.json 1 decode`).
//
// Its own executable, depending on PackCore only, so a release build takes minutes instead of
// the 20-45 of packstation-bench (which links every adapter).

import Foundation
import PackCore

let arguments = CommandLine.arguments
guard arguments.count >= 2, let data = FileManager.default.contents(atPath: arguments[1]) else {
    FileHandle.standardError.write(Data("usage: packstation-json-bench ORDERS.json [ROUNDS]  (make one with scripts/make-order-corpus.py)\n".utf8))
    exit(2)
}
let rounds = arguments.count > 2 ? max(1, Int(arguments[2]) ?? 7) : 7
let bytes = [UInt8](data)
let megabytes = Double(bytes.count) / 1_000_000

@inline(__always) func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// Runs `body` `rounds` times; returns the MB/s of the fastest and of the median round.
func measure(_ body: () -> Int) -> (best: Double, median: Double, result: Int) {
    var times: [UInt64] = []
    var result = 0
    for _ in 0..<rounds {
        let start = now()
        result = body()
        times.append(now() - start)
    }
    times.sort()
    return (megabytes / (Double(times[0]) / 1e9), megabytes / (Double(times[times.count / 2]) / 1e9), result)
}

/// Orders out of the file as `packstation label` reads them (Station's OrderFile): the document
/// scanned once, then each element of the array decoded and validated in place into an `Order`.
func decodeOrders() -> Int {
    let document = try! JSONDocument(parsing: bytes)
    var lines = 0
    for node in document.elements(of: document.root) ?? [document.root] {
        lines += try! Order.decode(from: document, at: node).lines.count
    }
    return lines
}

/// The same orders through a `JSONValue` tree, as the hub and sync read them (and as
/// `packstation label` did before decoding in place).
func decodeOrdersFromTree() -> Int {
    guard case .array(let documents) = try! JSONParser.parse(bytes) else { return 0 }
    var lines = 0
    for document in documents { lines += try! Order.decode(from: document).lines.count }
    return lines
}

if arguments.count > 3, arguments[3] == "decode" {
    let r = measure(decodeOrders)
    print(String(format: "in-place order decoding: %.1f MB/s best, %.1f median, %d lines", r.best, r.median, r.result))
    exit(0)
}

if arguments.count > 3, arguments[3] == "parse" {
    let r = measure {
        guard case .array(let elements) = try! JSONParser.parse(bytes) else { return 0 }
        return elements.count
    }
    print(String(format: "JSONParser.parse: %.1f MB/s best, %.1f median, %d elements", r.best, r.median, r.result))
    exit(0)
}

var rows: [(String, (best: Double, median: Double, result: Int))] = []
rows.append(("packstation Order decoding in place (bytes → [Order], validated; `packstation label`)", measure(decodeOrders)))
rows.append(("packstation Order decoding via JSONValue (bytes → tree → [Order]; hub, sync)", measure(decodeOrdersFromTree)))
rows.append(("packstation JSONParser.parse (bytes → JSONValue)", measure {
    guard case .array(let elements) = try! JSONParser.parse(bytes) else { return 0 }
    return elements.count
}))
rows.append(("Foundation JSONSerialization.jsonObject (Data → Any)", measure {
    (try! JSONSerialization.jsonObject(with: data) as! [Any]).count
}))

// Python's json.loads on the same bytes, timed inside Python so interpreter start-up is not counted.
let python = """
    import json, sys, time
    b = open(sys.argv[1], 'rb').read()
    t = []
    for _ in range(int(sys.argv[2])):
        s = time.perf_counter(); json.loads(b); t.append(time.perf_counter() - s)
    t.sort()
    print(len(b) / t[0] / 1e6, len(b) / t[len(t) // 2] / 1e6, sys.version.split()[0])
    """
let process = Process()
process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
process.arguments = ["python3", "-c", python, arguments[1], String(rounds)]
let pipe = Pipe()
process.standardOutput = pipe
var pythonRow = "| Python json.loads (bytes → objects) | not run: python3 missing | |"
if (try? process.run()) != nil {
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: " ")
    process.waitUntilExit()
    if process.terminationStatus == 0, output.count == 3, let best = Double(output[0]), let median = Double(output[1]) {
        pythonRow = String(format: "| Python %@ json.loads (bytes → objects) | %.1f | %.1f |", String(output[2]).trimmingCharacters(in: .whitespacesAndNewlines), best, median)
    }
}

print(String(format: "%.2f MB, best and median of %d rounds, one thread:\n", megabytes, rounds))
print("| what | MB/s (best) | MB/s (median) |")
print("|---|---:|---:|")
for (name, r) in rows { print(String(format: "| %@ | %.1f | %.1f |", name, r.best, r.median)) }
print(pythonRow)
