// libcups2 (CUPS scheduler and IPP client). Debian 12 ships no cups.pc, hence `link "cups"`
// in the module map. Printing builds its IPP requests itself (ippNewRequest, cupsSendRequest,
// cupsWriteRequestData) so one code path serves a CUPS queue and a bare IPP printer; the
// `CUPS_HTTP_DEFAULT` cast macro is never needed because every call gets its own http_t.
#include <cups/cups.h>
#include <cups/ipp.h>
#include <cups/http.h>
