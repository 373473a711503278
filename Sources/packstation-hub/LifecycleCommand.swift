import ArgumentParser
import Foundation
import Hub
import PackCore

/// `packstation-hub integration add|list|remove`: the tokens order systems and carriers report
/// tracking with (docs/lifecycle.md).
struct IntegrationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "integration", abstract: "Manage integration tokens (carriers, order systems: POST /v1/tracking).",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an integration and print its bearer token (shown once; only its SHA-256 is stored).")
        @OptionGroup var database: DatabaseOption
        @Argument(help: "The integration's name, e.g. ups or shop.") var name: String

        func run() throws {
            print(try database.open().addIntegration(name: name))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The integrations: name, added, last used (- when never).")
        @OptionGroup var database: DatabaseOption

        func run() throws {
            for i in try database.open().listIntegrations() {
                print([i.name, OrderShow.time(i.createdAt), i.lastUsed.map(OrderShow.time) ?? "-"].joined(separator: "\t"))
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an integration; its token stops working at once.")
        @OptionGroup var database: DatabaseOption
        @Argument(help: "The integration's name.") var name: String

        func run() throws {
            try database.open().removeIntegration(name: name)
            print("integration \(name) removed")
        }
    }
}

/// `packstation-hub order show ID`: what the supervisor's page shows when an order is opened.
struct OrderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "order", abstract: "Look at an order's lifecycle, or move it by hand.", subcommands: [OrderShow.self, OrderMove.self])
}

/// `packstation-hub order move ID STATE`: a supervisor's move (an exception raised or resolved),
/// checked against the table like every other (docs/lifecycle.md).
struct OrderMove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "move", abstract: "Move an order to another state by hand (e.g. exception, and back once resolved).",
        discussion: "States: \(OrderState.allCases.map(\.rawValue).joined(separator: ", ")). The move must be one docs/lifecycle.md allows; it is recorded with source 'admin', --person and --reason.")
    @OptionGroup var database: DatabaseOption
    @Argument(help: "The order's id.") var id: String
    @Argument(help: "The state to move it to.") var state: String
    @Option(help: "Who decided (a supervisor's name), for the history.") var person: String?
    @Option(help: "Why, for the history (e.g. 'parcel damaged at the dock').") var reason: String?

    func validate() throws {
        guard let target = OrderState(rawValue: state) else {
            throw ValidationError("'\(state)' is not a state; use one of \(OrderState.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        // A cancellation must reach the stations too (the queue follows the imported status).
        guard target != .cancelled else {
            throw ValidationError("An order is cancelled by the order system: import it again with status cancelled (`packstation-hub import`), so stations stop packing it too.")
        }
        for (name, value) in [("--person", person), ("--reason", reason)] {
            if let value, value.isEmpty || value.count > 500 || value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                throw ValidationError("\(name) must be 1 to 500 characters without control characters.")
            }
        }
    }

    func run() throws {
        let target = OrderState(rawValue: state)!
        let store = try database.open()
        let detail: JSONValue? = reason.map { .object([("reason", .string($0))]) }
        if try store.moveOrder(id, to: target, person: person, source: "admin", detail: detail) {
            print("order \(OrderShow.safe(id)) is \(target.rawValue)")
        } else {
            print("order \(OrderShow.safe(id)) was \(target.rawValue) already; nothing changed")
        }
    }
}

struct OrderShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "An order's state and history: states, packages and tracking, results, hub events.",
        discussion: "The same as GET /v1/admin/orders/ID/history; --json prints that answer.")
    @OptionGroup var database: DatabaseOption
    @Argument(help: "The order's id.") var id: String
    @Flag(help: "Print the JSON answer of GET /v1/admin/orders/ID/history.") var json = false
    @Option(help: "At most this many states, results and events each.") var limit = 1000

    func validate() throws {
        guard (1...HubStore.maximumHistoryLimit).contains(limit) else { throw ValidationError("--limit must be 1 to \(HubStore.maximumHistoryLimit).") }
    }

    func run() throws {
        let history = try database.open().orderHistorySync(id, limit: limit)
        if json { print(history.jsonText); return }
        for line in Self.lines(history) { print(line) }
    }

    /// The history as lines for a terminal. Every string from outside goes through `safe`.
    static func lines(_ h: JSONValue) -> [String] {
        let o = h["order"] ?? .null
        var out = ["order \(s(o["id"]))  state \(s(o["state"]))  status \(s(o["status"]))  station \(s(o["station"], or: "any"))  priority \(s(o["priority"]))"]
        out.append("  imported \(s(o["imported_at"]))  packed \(s(o["packed_at"]))  outcome \(s(o["outcome"]))  channel \(s(o["channel"]))  customer \(s(o["customer"]))")
        out.append("  shipment \(s(o["carrier"])) \(s(o["service"]))  tracking \(s(o["tracking"]))")
        out.append("states:")
        for r in list(h["states"]) {
            var line = "  \(s(r["at"]))  \(s(r["state"]))  from \(s(r["previous"]))  by \(s(r["source"]))"
            if r["station"] != .null { line += "  station \(s(r["station"]))" }
            if r["person"] != .null { line += "  person \(s(r["person"]))" }
            if let d = r["detail"], d != .null { line += "  \(safe(d.jsonText))" }
            out.append(line)
        }
        out.append("packages:")
        for p in list(h["packages"]) {
            let weight = p["weight_g"].flatMap { $0 == .null ? nil : $0.jsonText + " g" } ?? "-"
            out.append("  \(s(p["number"]))  \(s(p["tracking"]))  \(s(p["carrier"])) \(s(p["service"]))  \(s(p["state"]))  \(weight)")
            for u in list(p["updates"]) {
                out.append("      \(s(u["at"]))  \(s(u["status"]))  \(s(u["location"]))  \(s(u["detail"]))  (\(s(u["source"])))")
            }
        }
        out.append("results:")
        for r in list(h["results"]) {
            let what = r["type"] == "event" ? "event \(s(r["kind"]))" : "pack_result \(s(r["body"]?["outcome"]))  packer \(s(r["body"]?["packer"]))"
            out.append("  \(s(r["received_at"]))  \(s(r["station"]))  \(what)  key \(s(r["key"]))")
        }
        out.append("events:")
        for e in list(h["events"]) { out.append("  #\(s(e["id"]))  \(s(e["at"]))  \(s(e["type"]))") }
        return out
    }

    static func list(_ v: JSONValue?) -> [JSONValue] { if case .array(let a)? = v { a } else { [] } }

    /// A value as text: strings made safe for a terminal, numbers as written, null as `or`.
    static func s(_ v: JSONValue?, or fallback: String = "-") -> String {
        switch v {
        case .string(let t)?: safe(t)
        case .number(let n)?: n
        case .bool(let b)?: String(b)
        case .null?, nil: fallback
        case let other?: safe(other.jsonText)
        }
    }

    /// Control characters (an escape sequence in a carrier's detail would drive the terminal) as `\u{..}`.
    static func safe(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func time(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }
}
