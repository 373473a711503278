/// The kiosk page's own words in English and Spanish (`kiosk.language`, sent in the state as
/// `language`): the header, the banners, the bench's marks, the verdict's title, the load
/// section. Data (order ids, names, SKUs, carriers) is shown as it came, and the verdict's
/// message as the agent wrote it. Part of `/kiosk.js` (KioskPage.script), so the page's
/// Content-Security-Policy stays 'self' only.
enum KioskWords {
    static let script = #"""
const WORDS = {
  en: {
    printer: "printer", ready: "ready", notReady: "not ready", labelsWaiting: n => n + " label(s) waiting",
    syncLocal: "sync: local only", syncOnline: "sync: online", syncOffline: "sync: offline", pending: n => n + " pending",
    reconnecting: "agent: reconnecting…", cacheNotFetched: "cache: not fetched yet",
    cache: (orders, age) => "cache: " + orders + " order(s), " + age + " old",
    offline: (n, since) => "OFFLINE — " + n + " result(s) waiting to sync" + since + ". Keep packing; nothing is lost.",
    since: t => " since " + t,
    run: (name, printed, total, waiting) => "label run " + name + ": " + printed + " of " + total + (waiting ? " · waiting for the printer" : " printed"),
    signedIn: p => "Signed in: " + p, nobody: "Nobody signed in: scan your badge",
    order: id => "Order " + id, scanOrder: "Scan an order to start", atTheDock: "Loading at the dock: scan each package",
    priority: { express: "EXPRESS", same_day: "SAME DAY" }, highValue: "HIGH VALUE", gift: "GIFT INSERT", insert: "INSERT: ",
    approvedBy: "APPROVED BY ", supervisorNeeded: "SUPERVISOR NEEDED: ", box: n => "BOX " + n,
    idle: "ready", waitingForScan: "Waiting for a scan", kinds: {}, short: n => " (" + n + " short)",
    nextUp: "Next up", shipBy: d => "ship by " + d, units: n => n + (n === 1 ? " unit" : " units"), labelFor: id => "label for order " + id,
    reprints: n => n + (n === 1 ? " label" : " labels") + " printed again at this bench (CMD:REPRINT, CMD:VOID)",
    load: (c, loaded, expected, missing) => "Loading " + c + " trailer: " + loaded + " loaded · " + expected + " expected · " + missing + " missing",
    listAge: age => " · list " + age + " old", listNotFetched: " (package list not fetched yet)",
    chooseTrailer: "Dock: scan CMD:LOAD:<CARRIER> to choose the trailer",
  },
  es: {
    printer: "impresora", ready: "lista", notReady: "no lista", labelsWaiting: n => n + " etiqueta(s) en espera",
    syncLocal: "sincronización: solo local", syncOnline: "sincronización: en línea", syncOffline: "sincronización: sin conexión", pending: n => n + " pendiente(s)",
    reconnecting: "agente: reconectando…", cacheNotFetched: "caché: aún sin descargar",
    cache: (orders, age) => "caché: " + orders + " pedido(s), de hace " + age,
    offline: (n, since) => "SIN CONEXIÓN — " + n + " resultado(s) por sincronizar" + since + ". Siga empacando; no se pierde nada.",
    since: t => " desde las " + t,
    run: (name, printed, total, waiting) => "tanda de etiquetas " + name + ": " + printed + " de " + total + (waiting ? " · esperando a la impresora" : " impresas"),
    signedIn: p => "Sesión de " + p, nobody: "Nadie ha iniciado sesión: escanee su credencial",
    order: id => "Pedido " + id, scanOrder: "Escanee un pedido para empezar", atTheDock: "Carga en el muelle: escanee cada paquete",
    priority: { express: "EXPRÉS", same_day: "MISMO DÍA" }, highValue: "ALTO VALOR", gift: "NOTA DE REGALO", insert: "INCLUIR: ",
    approvedBy: "APROBADO POR ", supervisorNeeded: "SE NECESITA SUPERVISOR: ", box: n => "CAJA " + n,
    idle: "listo", waitingForScan: "Esperando un escaneo", short: n => " (" + n + " faltan)",
    kinds: {
      order_opened: "pedido abierto", accepted: "aceptado", order_complete: "pedido completo", wrong_item: "artículo equivocado",
      over_quantity: "cantidad de más", unknown_barcode: "código desconocido", invalid_barcode: "código no válido", order_blocked: "pedido bloqueado",
      serial_required: "falta el número de serie", duplicate_serial: "número de serie repetido", no_order_open: "ningún pedido abierto",
      order_already_open: "pedido ya abierto", confirm_switch: "confirme el cambio", undone: "deshecho", nothing_to_undo: "nada que deshacer",
      quantity_set: "cantidad fijada", short_pending: "falta pendiente", line_shorted: "línea con faltas", order_abandoned: "pedido abandonado",
      box_closed: "caja cerrada", labels_reprinted: "etiquetas reimpresas", label_voided: "etiqueta anulada", supervisor_required: "se necesita supervisor",
      nothing_to_reprint: "nada que reimprimir", reprint_cancelled: "reimpresión cancelada", override_accepted: "autorización aceptada",
      override_refused: "autorización rechazada", command_rejected: "orden rechazada", signed_in: "sesión iniciada", signed_out: "sesión cerrada",
      packer_required: "identifíquese", order_unavailable: "pedido no disponible", approval_required: "se necesita aprobación",
      approval_given: "aprobado", load_started: "carga iniciada", load_ended: "carga terminada", loaded: "cargado",
      already_loaded: "ya cargado", wrong_carrier: "transportista equivocado", unknown_package: "paquete desconocido", not_packed: "sin empacar",
    },
    nextUp: "A continuación", shipBy: d => "enviar antes del " + d, units: n => n + (n === 1 ? " unidad" : " unidades"), labelFor: id => "etiqueta del pedido " + id,
    reprints: n => n + (n === 1 ? " etiqueta reimpresa" : " etiquetas reimpresas") + " en este puesto (CMD:REPRINT, CMD:VOID)",
    load: (c, loaded, expected, missing) => "Cargando el remolque de " + c + ": " + loaded + " cargado(s) · " + expected + " esperado(s) · " + missing + " falta(n)",
    listAge: age => " · lista de hace " + age, listNotFetched: " (lista de paquetes aún sin descargar)",
    chooseTrailer: "Muelle: escanee CMD:LOAD:<TRANSPORTISTA> para elegir el remolque",
  },
};
let W = WORDS.en;
function age(seconds) { return seconds < 120 ? seconds + " s" : Math.round(seconds / 60) + " min"; }

"""#
}
