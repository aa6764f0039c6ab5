/* rng.h - explicit, seedable random number generator (xoshiro256**).
 *
 * All randomness in actbench flows through an rng_state owned by the caller;
 * the same seed gives the same stream on every machine. */
#ifndef ACTBENCH_RNG_H
#define ACTBENCH_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t s[4];
} rng_state;

/* Seeds the state from one 64-bit value (expanded with splitmix64). */
void rng_seed(rng_state *r, uint64_t seed);
/* Next raw 64-bit output. */
uint64_t rng_next(rng_state *r);
/* Uniform double in [0, 1) with 53 random bits. */
double rng_uniform(rng_state *r);
/* out[i] = (float)rng_uniform(r) for i < n: the same values as that loop,
 * with the generator kept in registers. */
void rng_uniform_floats(rng_state *r, float *out, size_t n);
/* Standard normal draw (Box-Muller, no cached second value, so the stream
 * position depends only on the number of calls). */
double rng_normal(rng_state *r);
/* Uniform integer in [0, n), n > 0, without modulo bias. */
uint64_t rng_below(rng_state *r, uint64_t n);
/* Fisher-Yates shuffle of idx[0..n). */
void rng_shuffle(rng_state *r, int *idx, int n);

#endif
