/* assay-pipeline.c — not written yet */
#include "config.h"
