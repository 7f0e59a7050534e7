#include "views/columns.h"

int columns_fit(const struct column *cols, int n, int width, int gap, bool *on)
{
	int total = 0;

	for (int i = 0; i < n; i++) {
		on[i] = cols[i].width > 0;
		total += on[i] ? cols[i].width + gap : 0;
	}
	while (total > width) {
		int worst = -1;

		for (int i = 0; i < n; i++)
			if (on[i] && cols[i].priority
			    && (worst < 0 || cols[i].priority > cols[worst].priority))
				worst = i;
		if (worst < 0)
			break;
		on[worst] = false;
		total -= cols[worst].width + gap;
	}
	return total;
}

void columns_place(const struct column *cols, int n, const bool *on, int x, int gap, int *at)
{
	for (int i = 0; i < n; i++) {
		at[i] = on[i] ? x : -1;
		x += on[i] ? cols[i].width + gap : 0;
	}
}
