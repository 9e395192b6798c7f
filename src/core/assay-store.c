/* assay-store.c — not written yet */
#include "config.h"
