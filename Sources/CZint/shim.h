// libzint (barcode geometry). Debian 12 ships no zint.pc, hence `link "zint"` in the module map.
#include <zint.h>
