import Foundation

/// Which labels of a source a run prints: ascending, disjoint ranges of source label numbers. A
/// run of a whole source is one range; a reprint of "17,40-45" is two.
public struct LabelSelection: Hashable, Sendable, CustomStringConvertible {
    /// Ascending, disjoint, not adjacent (adjacent ranges are merged).
    public let ranges: [ClosedRange<Int>]

    /// The labels in `ranges`, sorted and merged; at least one range.
    public init(_ ranges: [ClosedRange<Int>]) {
        precondition(!ranges.isEmpty, "a selection holds at least one label")
        var merged: [ClosedRange<Int>] = []
        for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, r.lowerBound <= last.upperBound + 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
            } else {
                merged.append(r)
            }
        }
        self.ranges = merged
    }

    /// One range.
    public init(_ range: ClosedRange<Int>) { self.init([range]) }

    /// Reads label numbers as a person types them: `17`, `40-45`, `17,40-45` (blanks allowed,
    /// an en dash for a dash too). Throws with what is wrong and what to type.
    public init(parsing text: String) throws(RunError) {
        var ranges: [ClosedRange<Int>] = []
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        for part in parts {
            let piece = part.trimmingCharacters(in: .whitespaces)
            let ends = piece.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).flatMap { $0.split(separator: "–", maxSplits: 1, omittingEmptySubsequences: false) }
            let numbers = ends.map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard (1...2).contains(numbers.count), let from = numbers.first!, let to = numbers.last!, from >= 1 else {
                throw RunError(code: "run.labels", message: "'\(piece)' in '\(text)' is not a label number or range; give label numbers from 1 like 17 or 40-45, separated by commas (17,40-45).")
            }
            guard from <= to else {
                throw RunError(code: "run.labels", message: "'\(piece)' in '\(text)' runs backwards; write the smaller number first (\(to)-\(from)).")
            }
            ranges.append(from...to)
        }
        self.init(ranges)
    }

    /// Reads the stored form (`17,40-45`); nil when it is not one.
    init?(stored text: String) {
        guard let parsed = try? LabelSelection(parsing: text) else { return nil }
        self = parsed
    }

    /// The stored form: `17,40-45`.
    public var stored: String {
        ranges.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ",")
    }

    /// How a person reads it: `17, 40–45`.
    public var description: String {
        ranges.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)–\($0.upperBound)" }.joined(separator: ", ")
    }

    /// The smallest label.
    public var first: Int { ranges[0].lowerBound }
    /// The largest label.
    public var last: Int { ranges[ranges.count - 1].upperBound }
    /// Labels in the selection.
    public var count: Int { ranges.reduce(0) { $0 + $1.count } }
    /// Whether it is one range.
    public var isContiguous: Bool { ranges.count == 1 }

    /// Labels of the selection before `label`.
    public func count(before label: Int) -> Int {
        ranges.reduce(0) { sum, r in sum + max(0, min(r.upperBound + 1, label) - r.lowerBound) }
    }

    /// The selection's first label at or after `label`, nil when there is none.
    public func next(atOrAfter label: Int) -> Int? {
        for r in ranges where r.upperBound >= label { return max(r.lowerBound, label) }
        return nil
    }

    /// The range of the selection holding `label`.
    public func range(holding label: Int) -> ClosedRange<Int>? { ranges.first { $0.contains(label) } }

    /// Whether every label is at most `limit`.
    public func fits(_ limit: Int) -> Bool { last <= limit }
}
