/// The language of the supervisor's page (`packstation-hub serve --language es|en`): every
/// string the page writes, in English and Spanish. Data (order ids, names, verdict codes) is
/// shown as it came.
public enum PageLanguage: String, Sendable, CaseIterable {
    case en, es

    /// The page's words in this language.
    var words: PageWords { self == .es ? .es : .en }
}

/// The page's strings in one language.
struct PageWords: Sendable {
    var title: String
    var live: String
    var reconnecting: String
    var connecting: String
    var search: String
    var searchPlaceholder: String
    var searchHint: String
    var searchNothing: @Sendable (String) -> String
    var searchMore: @Sendable (Int) -> String
    var searchTooShort: String
    var results: @Sendable (String) -> String
    var states: String
    var state: @Sendable (String) -> String
    var onHold: String
    var total: String
    var packedPerHour: String
    var byStation: String
    var byPacker: String
    var nobody: String
    var others: String
    var nothingPacked: String
    var errorsPer100: String
    var errorsWindow: String
    var station: String
    var scans: String
    var errors: String
    var per100: String
    var allStations: String
    var backlog: String
    var priority: @Sendable (String) -> String
    var ageBuckets: [String]
    var health: String
    var online: String
    var offline: String
    var lastSeen: String
    var scanners: String
    var printers: String
    var outbox: String
    var outboxAge: String
    var ago: @Sendable (Double?) -> String
    var never: String
    var queue: String
    var order: String
    var shipBy: String
    var any: String
    var imported: String
    var orders: String
    var packedAt: String
    var packers: String
    var packer: String
    var packed: String
    var meanPack: String
    var longestPack: String
    var nobodySignedIn: String
    var latestResults: String
    var received: String
    var type: String
    var outcome: String
    var history: @Sendable (String) -> String
    var noSuchOrder: @Sendable (String) -> String
    var when: String
    var what: String
    var detail: String
    var customer: String
    var tracking: String
    var back: String
    var historyMore: @Sendable (Int) -> String
    var updated: String

    static let en = PageWords(
        title: "packstation hub", live: "live", reconnecting: "reconnecting…", connecting: "connecting…",
        search: "Search", searchPlaceholder: "order, tracking number, customer name or e-mail",
        searchHint: "An order id (or the start of one), a barcode, a tracking number, or part of a customer's name or e-mail.",
        searchNothing: { "No order matches “\($0)”." }, searchMore: { "Only the first \($0) are shown; search for more of the text." },
        searchTooShort: "Give at least 2 characters to search customers.",
        results: { "Orders matching “\($0)”" },
        states: "Orders by state", state: englishState, onHold: "on hold", total: "total",
        packedPerHour: "Packed per hour (last 12 hours)", byStation: "By station", byPacker: "By packer",
        nobody: "(nobody signed in)", others: "others", nothingPacked: "Nothing packed in the last 12 hours.",
        errorsPer100: "Error verdicts per 100 scans", errorsWindow: "last 24 hours, from the pack results the stations sent",
        station: "station", scans: "scans", errors: "error verdicts", per100: "per 100 scans", allStations: "all stations",
        backlog: "Backlog by priority and age", priority: englishPriority,
        ageBuckets: ["< 1 h", "1–4 h", "4–24 h", "≥ 24 h"],
        health: "Stations", online: "online", offline: "offline", lastSeen: "last heard from",
        scanners: "scanners", printers: "printers", outbox: "results waiting", outboxAge: "oldest waiting",
        ago: { englishAge($0) }, never: "never",
        queue: "Queue, most urgent first", order: "order", shipBy: "ship by", any: "any", imported: "imported",
        orders: "Orders", packedAt: "packed at",
        packers: "Packers", packer: "packer", packed: "packed", meanPack: "mean pack time (s)", longestPack: "longest (s)",
        nobodySignedIn: "(nobody signed in)",
        latestResults: "Latest results", received: "received", type: "type", outcome: "outcome",
        history: { "Order \($0)" }, noSuchOrder: { "There is no order “\($0)” on this hub." },
        when: "when", what: "what", detail: "detail", customer: "customer", tracking: "tracking",
        back: "back to the overview", historyMore: { "Only the first \($0) entries are shown." },
        updated: "updated")

    static let es = PageWords(
        title: "packstation central", live: "en directo", reconnecting: "reconectando…", connecting: "conectando…",
        search: "Buscar", searchPlaceholder: "pedido, número de seguimiento, nombre o e-mail del cliente",
        searchHint: "Un número de pedido (o su comienzo), un código de barras, un número de seguimiento, o parte del nombre o e-mail de un cliente.",
        searchNothing: { "Ningún pedido coincide con «\($0)»." }, searchMore: { "Solo se muestran los primeros \($0); busque con más texto." },
        searchTooShort: "Escriba al menos 2 caracteres para buscar clientes.",
        results: { "Pedidos que coinciden con «\($0)»" },
        states: "Pedidos por estado", state: spanishState, onHold: "retenido", total: "total",
        packedPerHour: "Empaquetados por hora (últimas 12 horas)", byStation: "Por puesto", byPacker: "Por empaquetador",
        nobody: "(nadie identificado)", others: "otros", nothingPacked: "Nada empaquetado en las últimas 12 horas.",
        errorsPer100: "Veredictos de error por cada 100 lecturas", errorsWindow: "últimas 24 horas, según los resultados enviados por los puestos",
        station: "puesto", scans: "lecturas", errors: "veredictos de error", per100: "por cada 100 lecturas", allStations: "todos los puestos",
        backlog: "Pendientes por prioridad y antigüedad", priority: spanishPriority,
        ageBuckets: ["< 1 h", "1–4 h", "4–24 h", "≥ 24 h"],
        health: "Puestos", online: "en línea", offline: "sin conexión", lastSeen: "última señal",
        scanners: "escáneres", printers: "impresoras", outbox: "resultados en espera", outboxAge: "el más antiguo",
        ago: { spanishAge($0) }, never: "nunca",
        queue: "Cola, lo más urgente primero", order: "pedido", shipBy: "enviar antes de", any: "cualquiera", imported: "importado",
        orders: "Pedidos", packedAt: "empaquetado el",
        packers: "Empaquetadores", packer: "empaquetador", packed: "empaquetados", meanPack: "tiempo medio (s)", longestPack: "más largo (s)",
        nobodySignedIn: "(nadie identificado)",
        latestResults: "Últimos resultados", received: "recibido", type: "tipo", outcome: "resultado",
        history: { "Pedido \($0)" }, noSuchOrder: { "No hay ningún pedido «\($0)» en esta central." },
        when: "cuándo", what: "qué", detail: "detalle", customer: "cliente", tracking: "seguimiento",
        back: "volver al resumen", historyMore: { "Solo se muestran las primeras \($0) entradas." },
        updated: "actualizado")

    private static func englishState(_ s: String) -> String {
        switch s {
        case "ready": "ready"
        case "packed": "packed"
        case "labelled": "labelled"
        case "shipped": "shipped"
        case "in_transit": "in transit"
        case "delivered": "delivered"
        case "exception": "exception"
        case "cancelled": "cancelled"
        case "on_hold": "on hold"
        default: s
        }
    }

    private static func spanishState(_ s: String) -> String {
        switch s {
        case "ready": "listo"
        case "packed": "empaquetado"
        case "labelled": "etiquetado"
        case "shipped": "enviado"
        case "in_transit": "en tránsito"
        case "delivered": "entregado"
        case "exception": "incidencia"
        case "cancelled": "cancelado"
        case "on_hold": "retenido"
        default: s
        }
    }

    private static func englishPriority(_ p: String) -> String {
        switch p {
        case "same_day": "same day"
        case "express": "express"
        case "standard": "standard"
        default: p
        }
    }

    private static func spanishPriority(_ p: String) -> String {
        switch p {
        case "same_day": "en el día"
        case "express": "urgente"
        case "standard": "estándar"
        default: p
        }
    }

    private static func englishAge(_ seconds: Double?) -> String {
        guard let seconds else { return "never" }
        let (n, unit) = ageParts(seconds)
        return "\(n) \(unit) ago"
    }

    private static func spanishAge(_ seconds: Double?) -> String {
        guard let seconds else { return "nunca" }
        let (n, unit) = ageParts(seconds)
        return "hace \(n) \(unit)"
    }

    /// Seconds under 2 minutes, minutes under 2 hours, then hours, then days.
    static func ageParts(_ seconds: Double) -> (Int, String) {
        let s = max(0, Int(seconds.rounded(.down)))
        if s < 120 { return (s, "s") }
        if s < 7_200 { return (s / 60, "min") }
        if s < 172_800 { return (s / 3_600, "h") }
        return (s / 86_400, "d")
    }
}
