import Foundation
import Kiosk
import Synchronization
import Testing

/// The scan times a snapshot carries reach `onShown` once the snapshot is on a page's stream
/// (scan → screen), at once when no page is open, and never twice.
struct KioskFeedMarksTests {
    final class Shown: Sendable {
        let times = Mutex<[Date]>([])
        func add(_ dates: [Date]) { times.withLock { $0 += dates } }
        var all: [Date] { times.withLock { $0 } }
    }

    @Test func withNoPageOpenTheMarksAreShownWhenPublished() {
        let shown = Shown()
        let feed = KioskFeed(onShown: shown.add)
        let scan = Date(timeIntervalSince1970: 100)
        feed.publish("{\"v\":1}", marks: [scan])
        #expect(shown.all == [scan])
    }

    @Test func withAPageOpenTheMarksWaitForItsStreamToWriteThatSnapshot() async {
        let shown = Shown()
        let feed = KioskFeed(onShown: shown.add)
        var page = feed.updates().makeAsyncIterator()
        let initial = await page.next()
        let (first, second) = (Date(timeIntervalSince1970: 1), Date(timeIntervalSince1970: 2))
        feed.publish("{\"v\":1}", marks: [first])
        let one = await page.next()
        feed.publish("{\"v\":2}", marks: [second])
        #expect(shown.all.isEmpty, "nothing is on the screen yet")
        feed.written(version: initial?.version ?? 0)
        #expect(shown.all.isEmpty, "the snapshot written before the verdicts shows neither")
        feed.written(version: one?.version ?? -1)
        #expect(shown.all == [first])
        let two = await page.next()
        feed.written(version: two?.version ?? -1)
        feed.written(version: two?.version ?? -1)   // a second page writing it too: counted once
        #expect(shown.all == [first, second])
    }

    @Test func aPageThatNeverReadsDoesNotMakeTheMarksGrowWithoutBound() {
        let shown = Shown()
        let feed = KioskFeed(onShown: shown.add)
        let page = feed.updates()
        for i in 0..<(KioskFeed.maximumUnshown + 10) { feed.publish("{}", marks: [Date(timeIntervalSince1970: Double(i))]) }
        #expect(shown.all.map(\.timeIntervalSince1970) == (0..<10).map(Double.init))
        _ = page
    }
}
