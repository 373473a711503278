/// A rectangle of a PDF page as it is displayed, in points from its top left corner.
public struct PDFArea: Sendable, Hashable {
    /// Left edge, in points from the page's left edge.
    public var x: Double
    /// Top edge, in points from the page's top edge.
    public var y: Double
    /// Width in points.
    public var width: Double
    /// Height in points.
    public var height: Double

    /// Creates an area.
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// Its size, as a page of that size.
    public var size: PDFPageSize { PDFPageSize(widthPoints: width, heightPoints: height) }
}

/// Finds the two labels on a sheet that carries two (an A4 or Letter portrait page with two
/// 4 × 6 in labels side by side, or two 6 × 4 in labels one above the other), as shipping
/// platforms write them for office printers. Judged by the page's size and where its ink is (a
/// low-resolution raster of the page), never by the file's name: the ink must fall into two
/// groups split by a blank band across the middle of the page, each the size of a label.
public enum PDFTwoUp {
    /// Portrait sheets that carry labels two-up, in points: A4 and US Letter (within 3 %).
    static let sheets: [(width: Double, height: Double)] = [(595.28, 841.89), (612, 792)]
    /// Resolution of the ink raster: a dot per point is fine enough to see the gap between labels.
    public static let inkDotsPerInch = 72
    /// A part of the ink is a label when it fits the label stock (within 2 %) at full size, in
    /// either orientation, and covers at least this share of it along each side.
    static let minimumCover = 0.6
    /// The blank band between the labels: at least this wide (points), centred in the middle
    /// 40 % of the page.
    static let minimumGap = 2.0

    /// Whether a page of this size may carry two labels (and is worth rasterizing to see).
    public static func isSheet(_ size: PDFPageSize) -> Bool {
        sheets.contains { abs(size.widthPoints - $0.width) <= $0.width * 0.03 && abs(size.heightPoints - $0.height) <= $0.height * 0.03 }
    }

    /// The page's two label areas in reading order (left then right, top then bottom), each the
    /// label's size around its ink (turned when the label lies across), kept on its own side of
    /// the gap; nil when the page is not a sheet or its ink is not two labels.
    public static func areas(page size: PDFPageSize, ink: MonoBitmap, dotsPerInch: Int, label: LabelSize) -> [PDFArea]? {
        guard isSheet(size), ink.width > 0, ink.height > 0 else { return nil }
        let points = 72 / Double(dotsPerInch)
        let labelWidth = label.widthMM / 25.4 * 72, labelHeight = label.heightMM / 25.4 * 72
        var columns = [Bool](repeating: false, count: ink.width), rows = [Bool](repeating: false, count: ink.height)
        for y in 0..<ink.height {
            for x in 0..<ink.width where ink[x, y] {
                columns[x] = true
                rows[y] = true
            }
        }
        // Side by side first (4 × 6 in labels on a portrait sheet), then one above the other.
        for across in [true, false] {
            let profile = across ? columns : rows
            let middle = (profile.count * 3 / 10)...(profile.count * 7 / 10)
            guard let gap = widestGap(profile, minimum: Int((minimumGap / points).rounded(.up)), centredIn: middle) else { continue }
            let split = (gap.lowerBound + gap.upperBound) / 2
            var found: [PDFArea] = []
            for part in [0..<split, split..<profile.count] {
                let box = across ? inkBox(ink, columns: part, rows: 0..<ink.height) : inkBox(ink, columns: 0..<ink.width, rows: part)
                guard let box else { break }
                let region = across
                    ? PDFArea(x: Double(part.lowerBound) * points, y: 0, width: Double(part.count) * points, height: size.heightPoints)
                    : PDFArea(x: 0, y: Double(part.lowerBound) * points, width: size.widthPoints, height: Double(part.count) * points)
                guard let area = labelArea(around: box.scaled(points), in: region, labelWidth: labelWidth, labelHeight: labelHeight) else { break }
                found.append(area)
            }
            if found.count == 2 { return found }
        }
        return nil
    }

    /// The widest run of blank entries strictly between the first and the last inked one whose
    /// centre lies in `middle`.
    static func widestGap(_ profile: [Bool], minimum: Int, centredIn middle: ClosedRange<Int>) -> Range<Int>? {
        guard let first = profile.firstIndex(of: true), let last = profile.lastIndex(of: true), first < last else { return nil }
        var best: Range<Int>?
        var start: Int?
        for i in first...last {
            if !profile[i] {
                if start == nil { start = i }
            } else if let s = start {
                if i - s >= minimum, i - s > best?.count ?? 0, middle.contains((s + i) / 2) { best = s..<i }
                start = nil
            }
        }
        return best
    }

    /// The bounding box of the ink within `columns` × `rows`, in dots.
    static func inkBox(_ ink: MonoBitmap, columns: Range<Int>, rows: Range<Int>) -> PDFArea? {
        var minX = Int.max, maxX = -1, minY = Int.max, maxY = -1
        for y in rows {
            for x in columns where ink[x, y] {
                minX = min(minX, x)
                maxX = max(maxX, x)
                minY = min(minY, y)
                maxY = max(maxY, y)
            }
        }
        guard maxX >= 0 else { return nil }
        return PDFArea(x: Double(minX), y: Double(minY), width: Double(maxX - minX + 1), height: Double(maxY - minY + 1))
    }

    /// A label-sized area centred on `box`, upright when the box fits the label so and turned
    /// otherwise, kept inside `region`; nil when the box is no label (too large or too small).
    static func labelArea(around box: PDFArea, in region: PDFArea, labelWidth: Double, labelHeight: Double) -> PDFArea? {
        let tolerance = PDFLabels.tolerance
        func covers(_ w: Double, _ h: Double) -> Bool {
            box.width <= w * tolerance && box.height <= h * tolerance && box.width >= w * minimumCover && box.height >= h * minimumCover
        }
        let (w, h): (Double, Double)
        if covers(labelWidth, labelHeight) {
            (w, h) = (labelWidth, labelHeight)
        } else if covers(labelHeight, labelWidth) {
            (w, h) = (labelHeight, labelWidth)
        } else {
            return nil
        }
        func place(_ start: Double, _ length: Double, _ window: Double, _ lower: Double, _ upper: Double) -> (Double, Double) {
            guard window < upper - lower else { return (lower, upper - lower) }
            let centred = start + length / 2 - window / 2
            return (min(max(centred, lower), upper - window), window)
        }
        let (x, width) = place(box.x, box.width, w, region.x, region.x + region.width)
        let (y, height) = place(box.y, box.height, h, region.y, region.y + region.height)
        return PDFArea(x: x, y: y, width: width, height: height)
    }
}

extension PDFArea {
    func scaled(_ factor: Double) -> PDFArea {
        PDFArea(x: x * factor, y: y * factor, width: width * factor, height: height * factor)
    }
}
