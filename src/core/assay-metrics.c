/* assay-metrics.c — not written yet */
#include "config.h"
