// poppler-glib: PDF documents loaded from memory, page sizes, rendering onto cairo surfaces.
// poppler.h includes cairo.h; CPangoCairo declares the same cairo types, which Clang merges.
#include <poppler.h>
