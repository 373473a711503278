// zlib, for the :Z64: (deflate + base64) graphics of carrier ZPL in the preview renderer.
#include <zlib.h>
