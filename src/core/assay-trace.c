/* assay-trace.c — not written yet */
#include "config.h"
