import Foundation
import Logging
import Mail
import PackCore
import ServiceLifecycle
import Wakeups

/// How the hub tells customers their order shipped (docs/notices.md).
public struct NoticeConfiguration: Sendable {
    /// The SMTP server.
    public var smtp: SMTPConfiguration
    /// The sender (`--mail-from "Shop <notices@shop.example>"`).
    public var from: MailAddress
    /// Where replies go (`--mail-reply-to`).
    public var replyTo: MailAddress?
    /// The templates by language.
    public var templates = NoticeTemplates()
    /// Each carrier's tracking page.
    public var trackingLinks: NoticeTrackingLinks
    /// The first retry's delay; each next one doubles, up to ``maximumRetryDelay``.
    public var retryDelay: Duration = .seconds(60)
    /// The longest delay between attempts.
    public var maximumRetryDelay: Duration = .seconds(3600)
    /// Attempts before a notice that keeps failing for a temporary reason is `failed`.
    public var maximumAttempts = 10
    /// How often the outbox is looked at without a signal (events of another process).
    public var pollInterval: Duration = .seconds(5)
    /// A shipment older than this when first seen is skipped, not announced (notices turned on late).
    public var maximumEventAge: Duration = .seconds(2 * 86400)

    /// Creates a configuration.
    public init(smtp: SMTPConfiguration, from: MailAddress, replyTo: MailAddress? = nil) throws(HubError) {
        self.smtp = smtp
        self.from = from
        self.replyTo = replyTo
        self.trackingLinks = try NoticeTrackingLinks()
    }

    /// Reads `Name <address>` or `address`, as --mail-from and --mail-reply-to take them.
    public static func address(_ text: String, option: String) throws(HubError) -> MailAddress {
        var name: String?
        var address = text.trimmingCharacters(in: .whitespaces)
        if address.hasSuffix(">"), let open = address.lastIndex(of: "<") {
            name = address[..<open].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            address = String(address[address.index(after: open)..<address.index(before: address.endIndex)])
        }
        do { return try MailAddress(address, name: name) } catch {
            throw HubError(400, "bad_mail_address", "\(option) \(text): \(error.message) Give 'Shop name <notices@shop.example>' or 'notices@shop.example'.")
        }
    }
}

/// Sends the customer an e-mail when their order ships: reads `order.shipped` events into the
/// notice outbox, then sends what is due through SMTP, retrying temporary failures with backoff.
/// A notice whose final "." may have reached the server is never sent again by itself.
public struct NoticeWorker: Service {
    let store: HubStore
    let configuration: NoticeConfiguration
    let client: SMTPClient
    let logger: Logger

    /// Creates the worker.
    public init(store: HubStore, configuration: NoticeConfiguration, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.client = SMTPClient(configuration: configuration.smtp)
        self.logger = logger
    }

    /// Runs until cancelled or graceful shutdown: woken by each committed event, by the next
    /// retry coming due, and every poll interval.
    public func run() async throws {
        let unknown = try store.recoverNotices(now: Date())
        if unknown > 0 { logger.warning("Notices were being sent when the hub stopped; they are marked unknown and not sent again", metadata: ["notices.unknown": "\(unknown)"]) }
        let wakeup = Wakeup()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in store.eventSignal.updates() { wakeup.signal() }
            }
            group.addTask {
                await cancelWhenGracefulShutdown {
                    while !Task.isCancelled {
                        let wait = await step()
                        await wakeup.wait(upTo: wait)
                    }
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// Enqueues new shipments and sends what is due; returns how long to wait before the next step.
    func step(now: Date = Date()) async -> Duration {
        do {
            let c = configuration
            _ = try await store.enqueueNotices(now: now) { event, order in Self.plan(event: event, order: order, configuration: c, now: now) }
            for notice in try await store.dueNotices(now: now) {
                if Task.isCancelled { break }
                await send(notice)
            }
            let due = try await store.nextNoticeDue()
            let untilDue = due.map { Duration.milliseconds(max(0, Int64($0.timeIntervalSinceNow * 1000))) } ?? configuration.pollInterval
            return min(configuration.pollInterval, untilDue)
        } catch {
            logger.error("The notice outbox could not be read or written", metadata: ["error": "\(error)"])
            return configuration.pollInterval
        }
    }

    /// Whom a shipped order's notice goes to and in which language, or why there is none.
    static func plan(event: HubEvent, order: Order?, configuration: NoticeConfiguration, now: Date) -> HubStore.NoticePlan {
        guard let order else { return .init(skipReason: "The order is no longer on the hub.") }
        guard let email = order.customer?.email, !email.isEmpty else { return .init(skipReason: "The order has no customer e-mail (customer.email).") }
        let language = configuration.templates.language(for: order.customer?.language)
        if now.timeIntervalSince(event.at) > Double(configuration.maximumEventAge.components.seconds) {
            return .init(recipient: email, language: language, skipReason: "Shipped at \(event.at) before notices were on (older than --notice-max-age); not announced.")
        }
        return .init(recipient: email, language: language)
    }

    /// One attempt at one notice; its outcome is stored whatever happens.
    func send(_ notice: HubStore.Notice) async {
        let store = self.store
        let attempts = notice.attempts + 1
        let reply: SMTPReply
        do {
            guard try await store.claimNotice(notice.id, now: Date()) else { return }
            let message = try await compose(notice, now: Date())
            reply = try await client.send(message) { try await store.markNoticeSending(notice.id, now: Date()) }
        } catch let e as MailError {
            let state: String
            var retryAt: Date?
            switch e.kind {
            case .transient where attempts < configuration.maximumAttempts:
                state = "pending"
                retryAt = Date().addingTimeInterval(retryDelay(afterAttempt: attempts))
            case .transient, .permanent: state = "failed"
            case .unknownOutcome: state = "unknown"
            }
            let text = state == "failed" && e.kind == .transient ? "\(e.message) Gave up after \(attempts) attempts." : e.message
            try? await store.finishNotice(notice.id, state: state, now: Date(), retryAt: retryAt, error: text, code: e.replyCode)
            logger.warning("Notice not sent", metadata: ["notice.id": "\(notice.id)", "notice.state": "\(state)", "error": "\(e.message)"])
            return
        } catch {
            // The outbox itself failed (the database) before the final "." went: nothing was
            // delivered; tried again later (a restart also makes an `attempting` row pending).
            logger.error("Notice outbox write failed", metadata: ["notice.id": "\(notice.id)", "error": "\(error)"])
            try? await store.finishNotice(notice.id, state: "pending", now: Date(), retryAt: Date().addingTimeInterval(retryDelay(afterAttempt: attempts)), error: "\(error)")
            return
        }
        do {
            try await store.finishNotice(notice.id, state: "sent", now: Date(), code: reply.code, reply: reply.description)
            logger.info("Notice sent", metadata: ["notice.id": "\(notice.id)", "order.id": "\(notice.orderID)"])
        } catch {
            // Delivered, but not recorded: the row stays `sending`, which a restart makes
            // `unknown` (never sent again by itself).
            logger.error("A notice was sent but the outbox could not record it", metadata: ["notice.id": "\(notice.id)", "error": "\(error)"])
        }
    }

    /// Seconds before attempt `n + 1`: the first delay doubled per attempt, capped.
    func retryDelay(afterAttempt n: Int) -> TimeInterval {
        let first = Double(configuration.retryDelay.components.seconds) + Double(configuration.retryDelay.components.attoseconds) / 1e18
        let cap = Double(configuration.maximumRetryDelay.components.seconds)
        return min(cap, first * pow(2, Double(max(0, n - 1))))
    }

    /// The e-mail for a notice, from the order as the hub has it and the event's packages.
    func compose(_ notice: HubStore.Notice, now: Date) async throws -> MailMessage {
        let (order, event) = try await store.noticeSubject(notice)
        guard let order else { throw MailError(.badMessage, "The order \(notice.orderID) is no longer on the hub; nothing to announce.", kind: .permanent) }
        guard let email = order.customer?.email else { throw MailError(.badAddress, "The order has no customer e-mail any more.", kind: .permanent) }
        let to = try MailAddress(email, name: order.customer?.name ?? order.shipment?.to.name)
        let shipment = order.shipment
        var tracking: [(number: String, link: String?)] = []
        if case .array(let packages)? = event?.data["packages"] {
            for p in packages {
                guard case .string(let number)? = p["tracking"], !number.isEmpty, !tracking.contains(where: { $0.number == number }) else { continue }
                var carrier = shipment?.carrier ?? ""
                if case .string(let c)? = p["carrier"], !c.isEmpty { carrier = c }
                tracking.append((number, configuration.trackingLinks.link(carrier: carrier, number: number)))
            }
        }
        if tracking.isEmpty, let number = shipment?.tracking, !number.isEmpty {
            tracking.append((number, configuration.trackingLinks.link(carrier: shipment?.carrier ?? "", number: number)))
        }
        let language = notice.language ?? configuration.templates.language(for: order.customer?.language)
        let values = NoticeTemplates.Values(
            customerName: order.customer?.name, orderID: order.id, carrier: shipment?.carrier ?? "", service: shipment?.service ?? "",
            recipientName: shipment?.to.name ?? "", city: shipment?.to.city ?? "", shopName: configuration.from.name ?? configuration.from.address, tracking: tracking)
        let filled = configuration.templates.render(language: language, values: values)
        let domain = configuration.from.address.split(separator: "@").last.map(String.init) ?? "packstation.invalid"
        return MailMessage(
            from: configuration.from, to: [to], replyTo: configuration.replyTo, subject: filled.subject, text: filled.text, html: filled.html,
            messageID: "notice-\(notice.id).\(notice.eventID)@\(domain)", date: now,
            extraHeaders: [("Auto-Submitted", "auto-generated"), ("Content-Language", language)])
    }
}
