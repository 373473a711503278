import ArgumentParser
import Foundation
import Hub
import PackCore

/// `packstation-hub webhook …`: subscribers of the order system and their dead letters (docs/webhooks.md).
struct WebhookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook", abstract: "Manage webhook subscribers (signed POSTs of the hub's events) and their dead letters.",
        discussion: "A running hub (`serve`) delivers; these commands change its database and it picks the changes up within its poll interval. Signing and retries: docs/webhooks.md.",
        subcommands: [Add.self, List.self, Remove.self, RotateSecret.self, DeadLetters.self, Replay.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a subscriber; prints its id and its signing secret (shown once).",
            discussion: "It gets the events made from now on. Event types: \(HubStore.webhookEventTypes.joined(separator: ", ")).")
        @OptionGroup var database: DatabaseOption
        @Argument(help: "Where deliveries are POSTed: http(s)://host[:port]/path, no user or password in it.") var url: String
        @Option(help: ArgumentHelp("Comma-separated event types.", valueName: "TYPES")) var events = HubStore.defaultWebhookEvents.joined(separator: ",")
        @Flag(help: "Print {\"webhook\": {…}, \"secret\": \"…\"} as JSON.") var json = false

        func run() throws {
            let types = events.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let (webhook, secret) = try database.open().addWebhook(url: url, events: types)
            if json {
                print(JSONValue.object([("webhook", webhook.json), ("secret", .string(secret))]).jsonText)
                return
            }
            print("webhook \(webhook.id) added: \(webhook.url) gets \(webhook.events.joined(separator: ","))")
            print("secret: \(secret)")
            print("The secret is shown once: give it to the receiver, which checks each delivery's Packstation-Signature with it (docs/webhooks.md).")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List subscribers: id, url, events, pending, delivered, dead, and until when a rotated-out secret is still honoured.")
        @OptionGroup var database: DatabaseOption
        @Flag(help: "One JSON object per line, as the admin API's Webhook.") var json = false

        func run() throws {
            for w in try database.open().listWebhooks() {
                if json { print(w.json.jsonText); continue }
                let until = w.oldSecretUntil.map { "old secret until \(ISO8601DateFormatter().string(from: $0))" } ?? "-"
                print([String(w.id), w.url, w.events.joined(separator: ","), String(w.pending), String(w.delivered), String(w.dead), until].joined(separator: "\t"))
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a subscriber with its pending and dead-lettered deliveries.")
        @OptionGroup var database: DatabaseOption
        @Argument(help: "The subscriber's id (`webhook list`).") var id: Int64

        func run() throws {
            try database.open().removeWebhook(id: id)
            print("webhook \(id) removed")
        }
    }

    struct RotateSecret: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-secret", abstract: "Give a subscriber a new secret (printed once); the old one is still signed with for --keep-old seconds.",
            discussion: "While both are in force each delivery carries two signatures (Packstation-Signature: v1=NEW,v1=OLD), so the receiver can switch to the new secret without refusing anything. --keep-old 0 drops the old one at once (a leaked secret).")
        @OptionGroup var database: DatabaseOption
        @Argument(help: "The subscriber's id.") var id: Int64
        @Option(name: .customLong("keep-old"), help: "Seconds the old secret stays valid (0 to 2592000).") var keepOld: Double = 86_400
        @Flag(help: "Print {\"secret\", \"old_secret_valid_until\"} as JSON.") var json = false

        func run() throws {
            let (secret, until) = try database.open().rotateWebhookSecret(id: id, keepOld: keepOld)
            let untilText = until.map { ISO8601DateFormatter().string(from: $0) }
            if json {
                print(JSONValue.object([("secret", .string(secret)), ("old_secret_valid_until", .optional(untilText))]).jsonText)
                return
            }
            print("secret: \(secret)")
            print(untilText.map { "The old secret is still signed with until \($0)." } ?? "The old secret is no longer signed with.")
        }
    }

    struct DeadLetters: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dead-letters", abstract: "List deliveries given up after their last attempt: id, webhook, event id, type, attempts, failed at, last error.")
        @OptionGroup var database: DatabaseOption
        @Option(help: "Only this subscriber's.") var webhook: Int64?
        @Option(help: "At most this many.") var limit = 1_000
        @Flag(help: "One JSON object per line, as the admin API's DeadLetter.") var json = false

        func run() throws {
            for d in try database.open().webhookDeadLetters(subscriber: webhook, limit: limit) {
                if json { print(d.json.jsonText); continue }
                let error = [d.lastStatus.map { "HTTP \($0)" }, d.lastError].compactMap { $0 }.first ?? "-"
                print([String(d.id), String(d.subscriberID), String(d.eventID), d.eventType, String(d.attempts),
                       ISO8601DateFormatter().string(from: d.failedAt), d.lastError ?? error].joined(separator: "\t"))
            }
        }
    }

    struct Replay: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send dead letters again, from the first attempt: those named, or --all (of --webhook when given).",
            discussion: "Each keeps its event id, so a receiver that already has the event ignores it. Every id named must be a dead letter, or nothing is replayed.")
        @OptionGroup var database: DatabaseOption
        @Argument(help: "Dead-letter ids (`webhook dead-letters`).") var ids: [Int64] = []
        @Flag(help: "Every dead letter.") var all = false
        @Option(help: "With --all: only this subscriber's.") var webhook: Int64?

        func validate() throws {
            guard all != !ids.isEmpty else { throw ValidationError("Name dead-letter ids or give --all (not both).") }
            guard webhook == nil || all else { throw ValidationError("--webhook goes with --all.") }
        }

        func run() throws {
            let n = try database.open().replayWebhookDeadLetters(ids: all ? nil : ids, subscriber: webhook)
            print("\(n) dead letter(s) queued again")
        }
    }
}

/// `serve`'s webhook options.
struct WebhookOptions: ParsableArguments {
    @Option(name: .customLong("webhook-timeout"), help: "Seconds one delivery may take, connecting included, before it counts as failed.")
    var timeout = 10.0
    @Option(name: .customLong("webhook-attempts"), help: "Attempts before a delivery goes to the dead-letter list.")
    var attempts = WebhookRetryPolicy().maximumAttempts
    @Option(name: .customLong("webhook-backoff"), help: "Seconds: the first retry waits between half and all of this, each further one twice as long.")
    var backoff = 1.0
    @Option(name: .customLong("webhook-backoff-cap"), help: "Seconds: the longest wait between attempts.")
    var backoffCap = 3_600.0
    @Option(name: .customLong("webhook-concurrency"), help: "Deliveries in flight at once (at most 4 to one subscriber).")
    var concurrency = 16
    @Option(name: .customLong("webhook-poll"), help: "Seconds between looks for events and replays made by other processes.")
    var poll = 2.0

    func validate() throws {
        guard timeout > 0, timeout <= 300 else { throw ValidationError("--webhook-timeout must be in (0, 300] seconds.") }
        guard (1...1_000).contains(attempts) else { throw ValidationError("--webhook-attempts must be 1 to 1000.") }
        guard backoff > 0, backoffCap >= backoff, backoffCap <= 86_400 else {
            throw ValidationError("--webhook-backoff must be over 0 and at most --webhook-backoff-cap, which is at most 86400 seconds.")
        }
        guard (1...256).contains(concurrency) else { throw ValidationError("--webhook-concurrency must be 1 to 256.") }
        guard poll >= 0.05, poll <= 60 else { throw ValidationError("--webhook-poll must be 0.05 to 60 seconds.") }
    }

    var configuration: WebhookConfiguration {
        var c = WebhookConfiguration()
        c.timeout = .milliseconds(Int64(timeout * 1000))
        c.retry = WebhookRetryPolicy(maximumAttempts: attempts, base: .milliseconds(Int64(backoff * 1000)), cap: .milliseconds(Int64(backoffCap * 1000)))
        c.concurrency = concurrency
        c.perSubscriber = min(c.perSubscriber, concurrency)
        c.pollInterval = .milliseconds(Int64(poll * 1000))
        return c
    }
}
