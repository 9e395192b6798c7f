/* assay-benford.c — not written yet */
#include "config.h"
