/* assay-cli-progress.c — not written yet */
#include "config.h"
