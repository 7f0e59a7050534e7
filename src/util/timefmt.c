#include "util/timefmt.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t time_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t time_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

char *time_format_rfc3339(time_t t, char *buf, size_t size)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

int time_parse_rfc3339(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	const char *p;
	long offset = 0;

	if (!s)
		return -1;
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return -1;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int hh, mm;

		if (sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2)
			return -1;
		offset = (hh * 3600L + mm * 60L) * (*p == '+' ? 1 : -1);
		p += 6;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	*out = timegm(&tm) - offset;
	return 0;
}

char *time_human_duration(int64_t s, char *buf, size_t size)
{
	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(buf, size, "%llds", (long long)s);
	else if (s < 600)
		snprintf(buf, size, "%lldm%llds", (long long)(s / 60), (long long)(s % 60));
	else if (s < 3 * 3600)
		snprintf(buf, size, "%lldm", (long long)(s / 60));
	else if (s < 8 * 3600) {
		int64_t m = (s / 60) % 60;

		if (m)
			snprintf(buf, size, "%lldh%lldm", (long long)(s / 3600), (long long)m);
		else
			snprintf(buf, size, "%lldh", (long long)(s / 3600));
	} else if (s < 48 * 3600)
		snprintf(buf, size, "%lldh", (long long)(s / 3600));
	else if (s < 8 * 86400) {
		int64_t h = (s / 3600) % 24;

		if (h)
			snprintf(buf, size, "%lldd%lldh", (long long)(s / 86400), (long long)h);
		else
			snprintf(buf, size, "%lldd", (long long)(s / 86400));
	} else
		snprintf(buf, size, "%lldd", (long long)(s / 86400));
	return buf;
}

int64_t time_parse_duration_ms(const char *s)
{
	double total = 0;
	const char *p = s;

	if (!s || !*s)
		return -1;
	while (*p) {
		char *end;
		double v = strtod(p, &end);

		if (end == p || v < 0)
			return -1;
		p = end;
		if (!strncmp(p, "ms", 2)) {
			total += v;
			p += 2;
		} else if (*p == 's') {
			total += v * 1000;
			p++;
		} else if (*p == 'm') {
			total += v * 60000;
			p++;
		} else if (*p == 'h') {
			total += v * 3600000;
			p++;
		} else if (!*p && p == end && total == 0) {
			total = v * 1000;   /* plain number: seconds */
		} else {
			return -1;
		}
	}
	return (int64_t)total;
}
