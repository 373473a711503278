/// A part of a ZPL stream: a format (`^XA`…`^XZ`), a download, or a host command between formats.
public struct ZPLSegment: Sendable, Hashable {
    /// What the part does.
    public enum Kind: Sendable, Hashable {
        /// A format that prints: `labels[label]`.
        case printingFormat(label: Int)
        /// A format that prints nothing (`^XA^MCY^XZ`, `^XA^PW812^LL1218^XZ`): settings for later formats.
        case settingsFormat
        /// A format stored with `^DF` under a normalised name ("R:SHIP.ZPL"), recalled by `^XF`.
        case storedFormat(name: String)
        /// A graphic, font or image stored under a normalised name (`~DG`, `~DY`, `~DB`, a format
        /// that only saves itself with `^IS…,N`).
        case download(name: String)
        /// A command outside any format, with its standard prefix ("~SD", "~CC").
        case hostCommand(code: String)
    }

    /// What it does.
    public var kind: Kind
    /// Its bytes in the stream, through any blanks or line ends before the next command.
    public var range: Range<Int>
}

/// A format that prints.
public struct ZPLLabel: Sendable, Hashable {
    /// Its index in `ZPLDocument.segments`.
    public var segment: Int
    /// Its bytes, `^XA` through `^XZ` and any blanks after.
    public var range: Range<Int>
    /// Labels it prints (`^PQ`, its own or its stored format's; 1 without).
    public var quantity: Int
    /// The stored objects it recalls, directly or through its stored formats: "R:LOGO.GRF",
    /// "R:SHIP.ZPL" (upper case, drive R: when none is given), in the order first recalled.
    public var needs: [String]

    /// The first parameter of its last `^PQ`, rewritten by `bytes(of:quantity:)`, and the syntax
    /// it is read with (a `~CD`, `~CC` or `~CT` later in the format does not change that).
    var quantityField: Range<Int>?
    var syntaxAtQuantity: ZPLSyntax
    /// Where its `^XZ` starts, and the syntax there: a new `^PQ` goes before it.
    var end: Int
    var syntaxAtEnd: ZPLSyntax
}

/// A ZPL II stream read as a printer reads it: its formats, which of them print and how many
/// labels, the graphics and stored formats each needs, and what must be sent again before a label
/// when it is printed without what came before it. Refuses what the policy refuses and what a
/// printer would misread, naming the command and its byte offset.
public struct ZPLDocument: Sendable {
    /// The stream exactly as given: what pass-through printing sends.
    public let bytes: [UInt8]
    /// Its parts, in stream order.
    public let segments: [ZPLSegment]
    /// The formats that print, in order.
    public let labels: [ZPLLabel]

    /// Labels the stream prints: each format's quantity, summed.
    public var labelCount: Int { labels.reduce(0) { $0 + $1.quantity } }

    /// Where each object is defined, in stream order: what `preamble(before:)` sends again.
    var definitions: [String: [Piece]]
    /// Settings formats in stream order, with an id shared by those with the same bytes.
    var settings: [(segment: Int, content: Int)]
    /// The syntax in force where each segment starts and where it ends.
    var syntaxBefore: [ZPLSyntax]
    var syntaxAfter: [ZPLSyntax]

    /// Bytes to send again so that an object is defined: a segment, a command inside a format,
    /// or a format with its `^IS` told not to print.
    struct Piece: Sendable {
        var range: Range<Int>
        var replacement: (range: Range<Int>, bytes: [UInt8])?
        var syntax: ZPLSyntax
        var syntaxAfter: ZPLSyntax
        var needs: [String]
    }

    /// Reads a stream. Throws `LabelError` for a format opened twice (`carrier.zpl_unclosed`),
    /// `^XZ` without `^XA` (`carrier.zpl_unopened`), a stream that ends inside a format
    /// (`carrier.zpl_truncated`), a download whose data does not match its declared size
    /// (`carrier.zpl_payload`), a command the policy refuses (`carrier.zpl_refused`), and a format
    /// that prints and saves an image which could not be sent again without printing
    /// (`carrier.zpl_unresendable`).
    public init(_ bytes: [UInt8], policy: ZPLPolicy = .carrier) throws(LabelError) {
        var reader = ZPLDocumentReader(bytes: bytes, policy: policy)
        try reader.read()
        self.bytes = bytes
        segments = reader.segments
        labels = reader.labels
        definitions = reader.definitions
        settings = reader.settings
        syntaxBefore = reader.syntaxBefore
        syntaxAfter = reader.syntaxAfter
    }
}
