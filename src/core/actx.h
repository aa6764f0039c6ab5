/* actx.h - activations made at run time: formulas and C plugins.
 *
 *   [LABEL=]expr:FORMULA[;NAME=VALUE|;~NAME=VALUE]...   a formula in x (expr.h),
 *                                                       ~ marking a parameter learned
 *   [LABEL=]plugin:PATH[:NAME][;PARAM=VALUE]...         an activation written in C
 *                                                       against actbench/activation.h
 *
 * Each becomes a registry entry of its own (act_info with dyn set), made
 * once per distinct text and kept until the process exits (-j's children
 * inherit them), so an act_spec of one is used as a built-in's is: by net,
 * probes, figures, gradcheck and bench-acts alike.
 *
 * The label names the activation in every file, folder and figure: letters,
 * digits and _ . + -, at most ACTX_LABEL_MAX characters, not a built-in's
 * name.  Without one, a formula is labelled expr_ and 8 hex digits of a
 * hash of its text, a plugin by its own name. */
#ifndef ACTBENCH_ACTX_H
#define ACTBENCH_ACTX_H

#include <stdbool.h>

#include "act.h"
#include "status.h"

#define ACTX_LABEL_MAX 40

/* Whether spec is a formula or a plugin ("expr:", "plugin:", either after
 * "LABEL="). */
bool actx_is(const char *spec);

/* Parses spec (actx_is) into out.  AB_EUSAGE with one line naming what is
 * wrong: the label, the formula (with its column), the plugin file, a
 * parameter, or a function that is NaN or infinite (f or f') somewhere on
 * [-GC_RANGE, GC_RANGE]. */
ab_status actx_parse(act_spec *out, const char *spec, ab_err *err);

#endif
