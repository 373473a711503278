// cairo (PDF and image surfaces) and pango (text layout with font fallback and bidi) in one
// module: pangocairo's headers include cairo's, and two Clang modules declaring the same cairo
// types make them ambiguous in Swift.
#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

static inline int packstation_pango_scale(void) { return PANGO_SCALE; }
