/* assay-result.c — not written yet */
#include "config.h"
