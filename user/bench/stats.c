// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The bench's statistics: quartiles over the runs, and costs paired within a run.
 * Pairing cancels what drifts between runs (here "nothing attached" moves by 15% from one
 * invocation to the next), which medians taken apart do not.
 */
#include <math.h>
#include <stdlib.h>

#include "bench/internal.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct sc_quart stats__quartiles(double *v, unsigned long m)
{
	struct sc_quart q = { NAN, NAN, NAN, m };

	if (!m)
		return q;
	qsort(v, m, sizeof(double), cmp_double);
	q.q1 = v[(m - 1) / 4];
	q.med = m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
	q.q3 = v[(3 * (m - 1) + 3) / 4];
	return q;
}

struct sc_quart stats__paired(double *const *s, unsigned long runs, int k, int base, int per,
			      int per_base, double *scratch)
{
	unsigned long m = 0;

	for (unsigned long r = 0; r < runs; r++) {
		double d = s[k][r] - (base < 0 ? 0 : s[base][r]);
		double f = per < 0 ? 1 : s[per][r] - s[per_base][r];

		if (!isnan(d) && !isnan(f) && f > 0)
			scratch[m++] = d / f;
	}
	return stats__quartiles(scratch, m);
}
