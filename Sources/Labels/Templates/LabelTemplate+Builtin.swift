// The built-in templates, the same text as docs/templates/*.json (a test keeps them equal):
// admins copy a file from there, edit it and pass it with --template FILE.

extension LabelTemplate {
    /// The names of the built-in templates, for `--template NAME`.
    public static let builtinNames = ["shipping", "packing-slip", "packing-slip-a4", "packing-slip-letter"]

    /// The built-in template with this name, or nil.
    public static func builtin(_ name: String) -> LabelTemplate? {
        guard let text = builtinJSON[name] else { return nil }
        // The built-in texts are checked by the tests; a failure here is a bug, not bad input.
        return try! LabelTemplate(json: Array(text.utf8), source: "built-in template \(name)")
    }

    /// The JSON text of each built-in template.
    public static let builtinJSON: [String: String] = [
        "shipping": #"""
{
  "name": "shipping",
  "size": "4x6",
  "carrier_label": true,
  "elements": [
    {"type": "text", "x": 3, "y": 2, "width": 20, "height": 3, "font": 2, "text": "FROM"},
    {"type": "text", "x": 3, "y": 5.5, "width": 58, "height": 22, "font": 2.5, "lines": 7, "text": "{from.address}"},
    {"type": "text", "x": 63, "y": 2, "width": 36, "height": 7, "font": 5.5, "align": "right", "fit": "shrink", "bold": true, "text": "{carrier}"},
    {"type": "text", "x": 63, "y": 10, "width": 36, "height": 5, "font": 3, "align": "right", "fit": "shrink", "text": "{service}"},
    {"type": "text", "x": 63, "y": 17, "width": 36, "height": 9, "font": 6, "align": "center", "fit": "shrink", "inverted": true, "bold": true, "text": "{priority}", "when": "{priority}"},
    {"type": "line", "x": 0, "y": 29, "width": 101.6, "height": 0.4},
    {"type": "text", "x": 3, "y": 31, "width": 30, "height": 3.5, "font": 2.5, "bold": true, "text": "SHIP TO"},
    {"type": "text", "x": 8, "y": 35.5, "width": 90, "height": 40, "font": 4.2, "lines": 8, "bold": true, "text": "{to.address}"},
    {"type": "line", "x": 0, "y": 77, "width": 101.6, "height": 0.4},
    {"type": "text", "x": 3, "y": 79, "width": 62, "height": 10, "font": 8, "fit": "shrink", "bold": true, "text": "{routing}"},
    {"type": "barcode", "x": 1, "y": 90, "width": 66, "height": 15, "symbology": "gs1_128", "module": 0.25, "data": "(420){to.postal_code_compact}", "when": "{to.postal_code_compact}"},
    {"type": "barcode", "x": 72, "y": 80, "width": 26, "height": 26, "symbology": "qr", "module": 0.75, "data": "{tracking}", "when": "{tracking}"},
    {"type": "line", "x": 0, "y": 111, "width": 101.6, "height": 0.4},
    {"type": "text", "x": 3, "y": 113, "width": 95, "height": 4, "font": 3, "fit": "shrink", "text": "TRACKING # {package.tracking}", "when": "{package.tracking}"},
    {"type": "text", "x": 3, "y": 113, "width": 95, "height": 4, "font": 3, "fit": "shrink", "text": "PACKAGE {package.dock_code}   {tracking}", "when": "{package.dock_code}"},
    {"type": "barcode", "x": 1, "y": 118, "width": 99.6, "height": 18, "symbology": "code128", "module": 0.375, "data": "{package.barcode}", "when": "{package.barcode}"},
    {"type": "line", "x": 0, "y": 143, "width": 101.6, "height": 0.4},
    {"type": "text", "x": 3, "y": 145, "width": 50, "height": 5, "font": 3, "fit": "shrink", "text": "Order {order.id}"},
    {"type": "text", "x": 53, "y": 145, "width": 22, "height": 5, "font": 3, "fit": "shrink", "text": "{weight}"},
    {"type": "text", "x": 76, "y": 145, "width": 23, "height": 5, "font": 3, "align": "right", "fit": "shrink", "text": "{package} of {packages}"}
  ]
}
"""#,
        "packing-slip": #"""
{
  "name": "packing-slip",
  "size": "4x6",
  "elements": [
    {"type": "text", "x": 3, "y": 3, "width": 60, "height": 6, "font": 5, "bold": true, "text": "PACKING SLIP"},
    {"type": "text", "x": 3, "y": 10, "width": 60, "height": 4, "font": 3, "fit": "shrink", "text": "Order {order.id}"},
    {"type": "text", "x": 64, "y": 3, "width": 35, "height": 8, "font": 5, "align": "center", "fit": "shrink", "inverted": true, "bold": true, "text": "{priority}", "when": "{priority}"},
    {"type": "barcode", "x": 1, "y": 15, "width": 99.6, "height": 10, "symbology": "code128", "module": 0.25, "data": "{order.barcode}"},
    {"type": "text", "x": 3, "y": 30, "width": 95, "height": 20, "font": 2.8, "lines": 6, "text": "{to.address}"},
    {"type": "line", "x": 0, "y": 51, "width": 101.6, "height": 0.3},
    {"type": "text", "x": 3, "y": 52, "width": 20, "height": 4, "font": 2.5, "bold": true, "text": "SKU"},
    {"type": "text", "x": 24, "y": 52, "width": 44, "height": 4, "font": 2.5, "bold": true, "text": "Item"},
    {"type": "text", "x": 69, "y": 52, "width": 9, "height": 4, "font": 2.5, "bold": true, "align": "right", "text": "Qty"},
    {"type": "text", "x": 79, "y": 52, "width": 10, "height": 4, "font": 2.5, "bold": true, "align": "right", "text": "Pkd"},
    {"type": "text", "x": 89, "y": 52, "width": 10, "height": 4, "font": 2.5, "bold": true, "align": "right", "text": "Short"},
    {"type": "rows", "x": 3, "y": 57, "width": 96, "height": 56, "row_height": 4.5, "font": 2.5, "ruled": true, "columns": [
      {"x": 0, "width": 20, "text": "{line.sku}"},
      {"x": 21, "width": 44, "text": "{line.description}"},
      {"x": 66, "width": 9, "align": "right", "text": "{line.quantity}"},
      {"x": 76, "width": 10, "align": "right", "text": "{line.packed}"},
      {"x": 86, "width": 10, "align": "right", "text": "{line.short}"}
    ]},
    {"type": "text", "x": 3, "y": 114, "width": 95, "height": 4, "font": 2.5, "fit": "shrink", "text": "Units {totals.units}   packed {totals.packed}   short {totals.short}", "when": "{totals.packed}"},
    {"type": "box", "x": 2, "y": 119, "width": 97.6, "height": 14, "thickness": 0.3, "when": "{gift_message}"},
    {"type": "text", "x": 4, "y": 120, "width": 93, "height": 12, "font": 2.8, "lines": 4, "text": "Gift message: {gift_message}", "when": "{gift_message}"},
    {"type": "text", "x": 3, "y": 136, "width": 95, "height": 14, "font": 2.2, "lines": 5, "text": "Returns: within 30 days. Keep this slip, pack the items in their box and bring the parcel to any {carrier} drop-off point quoting order {order.id}."}
  ]
}
"""#,
        "packing-slip-a4": #"""
{
  "name": "packing-slip-a4",
  "size": "a4",
  "elements": [
    {"type": "text", "x": 6.0, "y": 5.7, "width": 120.0, "height": 11.4, "font": 7.5, "bold": true, "text": "PACKING SLIP"},
    {"type": "text", "x": 6.0, "y": 19.0, "width": 120.0, "height": 7.6, "font": 4.5, "fit": "shrink", "text": "Order {order.id}"},
    {"type": "text", "x": 128.0, "y": 5.7, "width": 70.0, "height": 15.2, "font": 7.5, "align": "center", "fit": "shrink", "inverted": true, "bold": true, "text": "{priority}", "when": "{priority}"},
    {"type": "barcode", "x": 2.0, "y": 28.5, "width": 199.2, "height": 19.0, "symbology": "code128", "module": 0.375, "data": "{order.barcode}"},
    {"type": "text", "x": 6.0, "y": 57.0, "width": 190.0, "height": 38.0, "font": 4.2, "lines": 6, "text": "{to.address}"},
    {"type": "line", "x": 0.0, "y": 96.9, "width": 203.2, "height": 0.57},
    {"type": "text", "x": 6.0, "y": 98.8, "width": 40.0, "height": 7.6, "font": 3.75, "bold": true, "text": "SKU"},
    {"type": "text", "x": 48.0, "y": 98.8, "width": 88.0, "height": 7.6, "font": 3.75, "bold": true, "text": "Item"},
    {"type": "text", "x": 138.0, "y": 98.8, "width": 18.0, "height": 7.6, "font": 3.75, "bold": true, "align": "right", "text": "Qty"},
    {"type": "text", "x": 158.0, "y": 98.8, "width": 20.0, "height": 7.6, "font": 3.75, "bold": true, "align": "right", "text": "Pkd"},
    {"type": "text", "x": 178.0, "y": 98.8, "width": 20.0, "height": 7.6, "font": 3.75, "bold": true, "align": "right", "text": "Short"},
    {"type": "rows", "x": 6.0, "y": 108.3, "width": 192.0, "height": 106.4, "row_height": 8.55, "font": 3.75, "ruled": true, "columns": [
      {"x": 0.0, "width": 40.0, "text": "{line.sku}"},
      {"x": 42.0, "width": 88.0, "text": "{line.description}"},
      {"x": 132.0, "width": 18.0, "align": "right", "text": "{line.quantity}"},
      {"x": 152.0, "width": 20.0, "align": "right", "text": "{line.packed}"},
      {"x": 172.0, "width": 20.0, "align": "right", "text": "{line.short}"}
    ]},
    {"type": "text", "x": 6.0, "y": 216.6, "width": 190.0, "height": 7.6, "font": 3.75, "fit": "shrink", "text": "Units {totals.units}   packed {totals.packed}   short {totals.short}", "when": "{totals.packed}"},
    {"type": "box", "x": 4.0, "y": 226.1, "width": 195.2, "height": 26.6, "thickness": 0.3, "when": "{gift_message}"},
    {"type": "text", "x": 8.0, "y": 228.0, "width": 186.0, "height": 22.8, "font": 4.2, "lines": 4, "text": "Gift message: {gift_message}", "when": "{gift_message}"},
    {"type": "text", "x": 6.0, "y": 258.4, "width": 190.0, "height": 26.6, "font": 3.3, "lines": 5, "text": "Returns: within 30 days. Keep this slip, pack the items in their box and bring the parcel to any {carrier} drop-off point quoting order {order.id}."}
  ]
}
"""#,
        "packing-slip-letter": #"""
{
  "name": "packing-slip-letter",
  "size": "letter",
  "elements": [
    {"type": "text", "x": 6.15, "y": 5.4, "width": 123.0, "height": 10.8, "font": 7.5, "bold": true, "text": "PACKING SLIP"},
    {"type": "text", "x": 6.15, "y": 18.0, "width": 123.0, "height": 7.2, "font": 4.5, "fit": "shrink", "text": "Order {order.id}"},
    {"type": "text", "x": 131.2, "y": 5.4, "width": 71.75, "height": 14.4, "font": 7.5, "align": "center", "fit": "shrink", "inverted": true, "bold": true, "text": "{priority}", "when": "{priority}"},
    {"type": "barcode", "x": 2.05, "y": 27.0, "width": 204.18, "height": 18.0, "symbology": "code128", "module": 0.375, "data": "{order.barcode}"},
    {"type": "text", "x": 6.15, "y": 54.0, "width": 194.75, "height": 36.0, "font": 4.2, "lines": 6, "text": "{to.address}"},
    {"type": "line", "x": 0.0, "y": 91.8, "width": 208.28, "height": 0.54},
    {"type": "text", "x": 6.15, "y": 93.6, "width": 41.0, "height": 7.2, "font": 3.75, "bold": true, "text": "SKU"},
    {"type": "text", "x": 49.2, "y": 93.6, "width": 90.2, "height": 7.2, "font": 3.75, "bold": true, "text": "Item"},
    {"type": "text", "x": 141.45, "y": 93.6, "width": 18.45, "height": 7.2, "font": 3.75, "bold": true, "align": "right", "text": "Qty"},
    {"type": "text", "x": 161.95, "y": 93.6, "width": 20.5, "height": 7.2, "font": 3.75, "bold": true, "align": "right", "text": "Pkd"},
    {"type": "text", "x": 182.45, "y": 93.6, "width": 20.5, "height": 7.2, "font": 3.75, "bold": true, "align": "right", "text": "Short"},
    {"type": "rows", "x": 6.15, "y": 102.6, "width": 196.8, "height": 100.8, "row_height": 8.1, "font": 3.75, "ruled": true, "columns": [
      {"x": 0.0, "width": 41.0, "text": "{line.sku}"},
      {"x": 43.05, "width": 90.2, "text": "{line.description}"},
      {"x": 135.3, "width": 18.45, "align": "right", "text": "{line.quantity}"},
      {"x": 155.8, "width": 20.5, "align": "right", "text": "{line.packed}"},
      {"x": 176.3, "width": 20.5, "align": "right", "text": "{line.short}"}
    ]},
    {"type": "text", "x": 6.15, "y": 205.2, "width": 194.75, "height": 7.2, "font": 3.75, "fit": "shrink", "text": "Units {totals.units}   packed {totals.packed}   short {totals.short}", "when": "{totals.packed}"},
    {"type": "box", "x": 4.1, "y": 214.2, "width": 200.08, "height": 25.2, "thickness": 0.3, "when": "{gift_message}"},
    {"type": "text", "x": 8.2, "y": 216.0, "width": 190.65, "height": 21.6, "font": 4.2, "lines": 4, "text": "Gift message: {gift_message}", "when": "{gift_message}"},
    {"type": "text", "x": 6.15, "y": 244.8, "width": 194.75, "height": 25.2, "font": 3.3, "lines": 5, "text": "Returns: within 30 days. Keep this slip, pack the items in their box and bring the parcel to any {carrier} drop-off point quoting order {order.id}."}
  ]
}
"""#,
    ]
}
