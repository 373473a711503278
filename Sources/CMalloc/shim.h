// glibc malloc tuning (mallopt): not part of the Glibc module.
#include <malloc.h>
