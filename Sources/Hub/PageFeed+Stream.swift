import Foundation
import Hummingbird
import NIOCore

extension PageFeed {
    /// `GET /events`: the page's server-sent events. Each update is one `live` event whose `id`
    /// is the newest hub event it includes and whose data is the live section's HTML; a browser
    /// that reconnects (with `Last-Event-ID`) gets the current section at once, which holds
    /// everything it missed. A client that does not ask for `text/event-stream` (curl, a
    /// checker) gets one update and the end of the stream. Over ``maximumStreams`` open streams:
    /// 503 `too_many_streams` with `Retry-After`. A client that does not take an update within
    /// ``writeTimeout`` is disconnected; every stream ends after ``maximumStreamDuration``.
    func streamResponse(_ request: Request) -> Response {
        guard let ticket = admit() else {
            var refused = HubError(503, "too_many_streams", "The hub already serves \(maximumStreams) live pages, its limit; close a page you do not need (or raise `serve --page-streams`), then try again.").response
            refused.headers[.retryAfter] = "10"
            return refused
        }
        let endless = request.headers[.accept]?.lowercased().contains("text/event-stream") ?? false
        let timeout = writeTimeout
        let ends = ContinuousClock.now + maximumStreamDuration
        let updates = self.updates()
        return Response(status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"], body: .init { writer in
            defer { ticket.release() }
            let out = StreamWriter(writer)
            // The browser waits this long before reconnecting after the stream ends.
            try await out.write("retry: 2000\n\n", within: timeout)
            for await update in updates {
                try await out.write(Self.event(update), within: timeout)
                if !endless || ContinuousClock.now >= ends { break }
            }
            writer = out.writer
            try await writer.finish(nil)
        })
    }

    /// One update as an event: `id`, `event: live`, and the HTML as `data` lines (a line break
    /// in the text starts a new `data` line; the browser joins them with line feeds).
    static func event(_ update: Update) -> String {
        var text = "id: \(update.eventID)\nevent: live\n"
        for line in update.html.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            text += "data: " + line + "\n"
        }
        return text + "\n"
    }
}

/// The response's writer, shared with the child task that writes (so a write that does not
/// finish in time can be cancelled). Only one write runs at a time.
private final class StreamWriter: @unchecked Sendable {
    var writer: any ResponseBodyWriter

    init(_ writer: any ResponseBodyWriter) { self.writer = writer }

    /// Writes `text`, or throws when the client has not taken it within `timeout` (the write is
    /// cancelled and the connection closed: a stalled page holds no more than the socket buffers).
    func write(_ text: String, within timeout: Duration) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask { [self] in
                try await writer.write(ByteBuffer(string: text))
                return true
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return false
            }
            let written = try await group.next() ?? false
            group.cancelAll()
            if !written { throw HubError(408, "slow_client", "The page did not take an update within \(timeout); the stream is closed.") }
        }
    }
}
