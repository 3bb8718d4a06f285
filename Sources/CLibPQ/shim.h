#ifndef KCCBRIDGE_LIBPQ_SHIM_H
#define KCCBRIDGE_LIBPQ_SHIM_H

/* PostgreSQL's own client library: the ledger's PostgreSQL store speaks through it. */
#include <libpq-fe.h>

#endif
