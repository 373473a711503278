import Foundation
import Hub
import PackCore

/// A hub store in a temporary directory, with one station, and helpers to call the API.
struct HubFixture {
    let dir: String
    let store: HubStore
    let api: HubAPI
    let token: String

    init(maximumBodyBytes: Int = 1 << 20, adminToken: String? = nil) throws {
        dir = NSTemporaryDirectory() + "packstation-hub-\(UUID().uuidString)"
        store = try HubStore(path: dir + "/hub.sqlite")
        api = HubAPI(store: store, maximumBodyBytes: maximumBodyBytes, adminToken: adminToken)
        token = try store.addStation(name: "bench-1")
    }

    func remove() { try? FileManager.default.removeItem(atPath: dir) }

    func call(_ method: String, _ path: String, query: [String: String] = [:], body: String? = nil, token: String?? = .none, contentType: String? = "application/json") async -> (status: Int, json: JSONValue?, text: String) {
        let auth: String? = switch token { case .none: "Bearer " + self.token; case .some(let t): t }
        let r = await api.respond(to: .init(method: method, path: path, query: query, authorization: auth, contentType: body == nil ? nil : contentType, body: body.map { Array($0.utf8) } ?? []))
        return (r.status, try? JSONParser.parse(r.body), r.body)
    }

    func importOrders(_ jsonl: String, station: String? = nil) throws {
        _ = try store.importOrders(OrderImport.parse(Array(jsonl.utf8), name: "orders.jsonl"), station: station)
    }

    static func order(_ id: String, barcodes: [String] = [], status: String = "ready") -> String {
        let codes = barcodes.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"id":"\#(id)","barcodes":[\#(codes)],"status":"\#(status)","payment":"captured","lines":[{"sku":"S-\#(id)","quantity":1,"barcodes":["4006381333931"]}]}"#
    }

    /// A batch with one pack result for each order id.
    static func batch(_ ids: [String], keyPrefix: String = "k") -> String {
        let items = ids.map { id in
            #"{"key":"\#(keyPrefix)-\#(id)","type":"pack_result","order_id":"\#(id)","body":{"order_id":"\#(id)","station":"bench-1","packer":null,"outcome":"packed","started_at":"2026-11-23T10:00:00.000Z","ended_at":"2026-11-23T10:01:00.000Z","lines":[{"sku":"S","expected":1,"packed":1,"short":0,"short_reason":null,"serials":[],"lots":[]}],"scans":[{"seq":1,"data":"4006381333931","verdict":"order_complete","at":"2026-11-23T10:01:00.000Z"}]}}"#
        }
        return #"{"items":["# + items.joined(separator: ",") + "]}"
    }
}
