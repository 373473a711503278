import Foundation
import PackCore

/// Scans as lines of text from a file or standard input (`--scans-from FILE|-`), for demos
/// and tests: each line is one scan for the first bench; `@NAME data` sends it to bench NAME.
/// The stream ends at the end of the input.
final class LineScanSource: ScanSource, @unchecked Sendable {
    static let deviceID = "lines"
    private let path: String
    /// Pause before each line (a paced demo).
    private let interval: Duration

    init(path: String, interval: Duration = .zero) {
        self.path = path
        self.interval = interval
    }

    func events() -> AsyncStream<ScanEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ScanEvent.self)
        let path = path
        let interval = interval
        let thread = Thread {
            let handle = path == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: path)
            guard let handle else {
                continuation.yield(.detached(id: Self.deviceID, reason: "cannot read \(path)"))
                continuation.finish()
                return
            }
            continuation.yield(.attached(ScannerInfo(id: Self.deviceID, name: path == "-" ? "standard input" : path, vendor: 0, product: 0, nodes: [], reason: "--scans-from")))
            var pending: [UInt8] = []
            func emit(_ bytes: ArraySlice<UInt8>) {
                var line = String(decoding: bytes, as: UTF8.self)
                if line.hasSuffix("\r") { line.removeLast() }
                guard !line.isEmpty else { return }
                if interval > .zero { Thread.sleep(forTimeInterval: Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18) }
                var device = Self.deviceID
                if line.hasPrefix("@"), let space = line.firstIndex(of: " ") {
                    device += String(line[..<space])
                    line = String(line[line.index(after: space)...])
                }
                let now = Date().timeIntervalSince1970
                let t = EventTime(microseconds: Int64(now * 1e6))
                continuation.yield(.scan(Scan(device: device, raw: line, started: t, ended: t)))
            }
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                pending += data
                while let newline = pending.firstIndex(of: 0x0A) {
                    emit(pending[..<newline])
                    pending.removeSubrange(...newline)
                }
            }
            if !pending.isEmpty { emit(pending[...]) }
            continuation.yield(.detached(id: Self.deviceID, reason: "end of input"))
            continuation.finish()
        }
        thread.start()
        return stream
    }
}
