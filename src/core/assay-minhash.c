/* assay-minhash.c — not written yet */
#include "config.h"
