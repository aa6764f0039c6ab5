/* stats.h - the median the benchmarks report. */
#ifndef ACTBENCH_STATS_H
#define ACTBENCH_STATS_H

/* Sorts v[0..n) (n >= 1) ascending, so that v[0] is the smallest and
 * v[n - 1] the largest, and returns the median (the mean of the middle two
 * for an even n). */
double stats_median(double *v, int n);

#endif
