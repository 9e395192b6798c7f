/* assay-stats.c — not written yet */
#include "config.h"
