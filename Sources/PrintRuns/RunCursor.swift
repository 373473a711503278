/// The arithmetic of a run, with no I/O: which labels the next chunk holds, and what a printer's
/// label counter before and after a chunk says came out. Every case is a table test.
public enum RunCursor {
    /// The labels of the chunk that starts at `next`, nil when the run is through.
    public static func nextChunk(next: Int, last: Int, chunkSize: Int) -> ClosedRange<Int>? {
        guard next <= last, chunkSize > 0 else { return nil }
        return next...min(last, next + chunkSize - 1)
    }

    /// The labels of the chunk that starts at `next` (or at the selection's next label after it),
    /// nil when the run is through. A chunk never spans a gap of the selection, so a counter
    /// difference always maps to consecutive labels.
    public static func nextChunk(next: Int, in selection: LabelSelection, chunkSize: Int) -> ClosedRange<Int>? {
        guard chunkSize > 0, let start = selection.next(atOrAfter: next), let range = selection.range(holding: start) else { return nil }
        return start...min(range.upperBound, start + chunkSize - 1)
    }

    /// What a chunk's counter difference means.
    public enum Settlement: Hashable, Sendable {
        /// `printed` labels of the chunk came out, in order from its first; the run goes on at `next`.
        case printed(Int, next: Int)
        /// The counter moved more than the chunk holds: something else printed meanwhile. The
        /// whole chunk is taken as printed (nothing is sent twice) and the supervisor is told.
        case overcounted(extra: Int, next: Int)
        /// The counter went backwards (printer reset or replaced): nobody can tell what came out.
        case counterWentBack
    }

    /// Settles a chunk of labels `chunk` from the counter before it was sent and after the
    /// printer had finished (or after a crash, once the printer is idle again).
    public static func settle(chunk: ClosedRange<Int>, odometerBefore: Int, odometerAfter: Int) -> Settlement {
        let moved = odometerAfter - odometerBefore
        if moved < 0 { return .counterWentBack }
        if moved > chunk.count { return .overcounted(extra: moved - chunk.count, next: chunk.upperBound + 1) }
        return .printed(moved, next: chunk.lowerBound + moved)
    }

    /// A label range in words: "label 7" or "labels 51–100".
    public static func describe(_ range: ClosedRange<Int>) -> String {
        range.count == 1 ? "label \(range.lowerBound)" : "labels \(range.lowerBound)–\(range.upperBound)"
    }
}
