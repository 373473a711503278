/// A label's bytes while the compiled template writes them: a buffer (on the stack while it
/// fits, grown onto the heap when a field is long) written through a pointer. Callers reserve
/// room once per field with `reserve` and then `put` without a check per byte; the `append`
/// methods check for themselves.
struct ByteWriter {
    private(set) var base: UnsafeMutablePointer<UInt8>
    /// Bytes written; lowering it drops the bytes after it.
    var count = 0
    private(set) var capacity: Int
    private var onHeap = false
    /// Where full buffers go, if anywhere: with a sink the buffer is flushed instead of grown.
    private let sink: UnsafeMutablePointer<[UInt8]>?

    /// Writes into `buffer`; when it is full, grows onto the heap, or with a `sink` first
    /// appends what it holds to the sink and starts over (the caller then appends the rest).
    init(_ buffer: UnsafeMutableBufferPointer<UInt8>, sink: UnsafeMutablePointer<[UInt8]>? = nil) {
        base = buffer.baseAddress!
        capacity = buffer.count
        self.sink = sink
    }

    /// Frees what was grown onto the heap; call once when done.
    mutating func release() {
        if onHeap { base.deallocate() }
        onHeap = false
        capacity = 0
        count = 0
    }

    /// The bytes written so far, or since the last flush to the sink (valid until the next
    /// write that grows or flushes the buffer).
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// Makes room for `n` more bytes.
    @inline(__always) mutating func reserve(_ n: Int) {
        if count &+ n > capacity { grow(to: count + n) }
    }

    @inline(never) mutating func grow(to needed: Int) {
        var needed = needed
        if let sink, count > 0 {
            sink.pointee.append(contentsOf: bytes)
            needed -= count
            count = 0
            if needed <= capacity { return }
        }
        let size = max(needed, capacity * 2, 256)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        bigger.initialize(from: base, count: count)
        if onHeap { base.deallocate() }
        base = bigger
        capacity = size
        onHeap = true
    }

    // MARK: Unchecked writes (after `reserve`)

    @inline(__always) mutating func put(_ byte: UInt8) {
        base[count] = byte
        count &+= 1
    }

    /// Short copies (most fields and fragments are 1–32 bytes) are done inline with 8-byte
    /// moves, the last one overlapping; a `memmove` call costs more than such a copy.
    @inline(__always) mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        guard n > 0, let source = bytes.baseAddress else { return }
        let s = UnsafeRawPointer(source)
        let d = UnsafeMutableRawPointer(base + count)
        if n < 8 {
            for i in 0..<n { d.storeBytes(of: s.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i, as: UInt8.self) }
        } else if n <= 32 {
            var i = 0
            while i + 8 <= n {
                d.storeBytes(of: s.loadUnaligned(fromByteOffset: i, as: UInt64.self), toByteOffset: i, as: UInt64.self)
                i += 8
            }
            if i < n { d.storeBytes(of: s.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self), toByteOffset: n - 8, as: UInt64.self) }
        } else {
            d.copyMemory(from: s, byteCount: n)
        }
        count &+= n
    }

    @inline(__always) mutating func put(ascii text: StaticString) {
        put(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// A decimal number: at most 20 bytes.
    @inline(__always) mutating func put(number value: Int) {
        var v = value
        if v < 0 {
            put(UInt8(ascii: "-"))
            v = -v
        }
        if v < 10 { return put(48 &+ UInt8(truncatingIfNeeded: v)) }
        var digits = 1
        var rest = v
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        var i = count + digits - 1
        while i >= count {
            base[i] = 48 &+ UInt8(truncatingIfNeeded: v % 10)
            v /= 10
            i -= 1
        }
        count += digits
    }

    /// `_XX` for a byte escaped in a `^FH` field.
    @inline(__always) mutating func put(hexEscaped byte: UInt8) {
        let hex: StaticString = "0123456789ABCDEF"
        put(UInt8(ascii: "_"))
        put(hex.utf8Start[Int(byte >> 4)])
        put(hex.utf8Start[Int(byte & 0x0F)])
    }

    /// `bytes` escaped for a field opened with `^FH` (as `ZPLEscape.appendEscaped`); needs
    /// `3 * bytes.count` reserved.
    @inline(__always) mutating func put(escaped bytes: UnsafeBufferPointer<UInt8>) {
        var run = 0
        for i in 0..<bytes.count where ZPLEscape.needsEscape(bytes[i]) {
            put(UnsafeBufferPointer(rebasing: bytes[run..<i]))
            put(hexEscaped: bytes[i])
            run = i + 1
        }
        put(UnsafeBufferPointer(rebasing: bytes[run...]))
    }

    // MARK: Checked writes

    @inline(__always) mutating func append(_ byte: UInt8) {
        reserve(1)
        put(byte)
    }

    @inline(__always) mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        reserve(bytes.count)
        put(bytes)
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    @inline(__always) mutating func append(ascii text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inline(__always) mutating func append(number value: Int) {
        reserve(20)
        put(number: value)
    }

    /// The string's UTF-8, read in place when the string is stored contiguously.
    @inline(__always) mutating func append(_ text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ append($0) }) == nil {
            var copy = text
            copy.withUTF8 { append($0) }
        }
    }
}
