/* plan.c - a run plan's storage. */
#include "plan.h"

#include <stdlib.h>

bool plan_alloc(run_plan *p, int n)
{
    p->runs = calloc((size_t)(n > 0 ? n : 1), sizeof *p->runs);
    p->n_runs = p->runs ? n : 0;
    return p->runs != NULL;
}

void plan_free(run_plan *p)
{
    free(p->runs);
    p->runs = NULL;
    p->n_runs = 0;
}
