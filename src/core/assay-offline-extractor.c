/* assay-offline-extractor.c — not written yet */
#include "config.h"
