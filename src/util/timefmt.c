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

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil); d beyond the month's end counts on into
 * the next, as timegm does. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "YYYY-MM-DDTHH:MM:SS" as the API writes it, without strptime and timegm
 * (a tenth of the instructions; every pod has two or more). NULL when s is
 * not exactly that, with fields in strptime's ranges: then strptime decides. */
static const char *parse_fixed(const char *s, int64_t *t)
{
	int y = digits(s, 4), mo, d, h, mi, sec;

	if (y < 0 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
		return NULL;
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	h = digits(s + 11, 2);
	mi = digits(s + 14, 2);
	sec = digits(s + 17, 2);
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59
	    || sec < 0 || sec > 61)
		return NULL;
	*t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	return s + 19;
}

int time_parse_rfc3339(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	const char *p;
	long offset = 0;
	int64_t fixed = 0;

	if (!s)
		return -1;
	p = strnlen(s, 19) == 19 ? parse_fixed(s, &fixed) : NULL;
	if (!p) {
		p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
		if (!p)
			return -1;
		fixed = INT64_MIN;
	}
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
	*out = (fixed == INT64_MIN ? timegm(&tm) : (time_t)fixed) - offset;
	return 0;
}

/* "AuB" with B left out when it is 0, as HumanDuration writes each form */
static char *two_units(char *buf, size_t size, int64_t a, char ua, int64_t b, char ub)
{
	if (b)
		snprintf(buf, size, "%lld%c%lld%c", (long long)a, ua, (long long)b, ub);
	else
		snprintf(buf, size, "%lld%c", (long long)a, ua);
	return buf;
}

char *time_human_duration(int64_t s, char *buf, size_t size)
{
	const int64_t h = 3600, d = 86400, y = 365 * d;

	if (s < -1)
		snprintf(buf, size, "<invalid>");   /* a clock ahead by more than a second */
	else if (s < 120)
		snprintf(buf, size, "%llds", (long long)(s < 0 ? 0 : s));
	else if (s < 600)
		two_units(buf, size, s / 60, 'm', s % 60, 's');
	else if (s < 3 * h)
		snprintf(buf, size, "%lldm", (long long)(s / 60));
	else if (s < 8 * h)
		two_units(buf, size, s / h, 'h', s / 60 % 60, 'm');
	else if (s < 48 * h)
		snprintf(buf, size, "%lldh", (long long)(s / h));
	else if (s < 8 * d)
		two_units(buf, size, s / d, 'd', s / h % 24, 'h');
	else if (s < 2 * y)
		snprintf(buf, size, "%lldd", (long long)(s / d));
	else if (s < 8 * y)
		two_units(buf, size, s / y, 'y', s / d % 365, 'd');
	else
		snprintf(buf, size, "%lldy", (long long)(s / y));
	return buf;
}

int64_t time_human_duration_next(int64_t s)
{
	/* each form's unit; every boundary between forms is a multiple of the
	 * unit before it, so the next change is the next whole unit */
	int64_t unit = s < 600 ? 1 : s < 8 * 3600 ? 60 : s < 8 * 86400 ? 3600
		     : s < 8 * 365 * 86400 ? 86400 : 365 * 86400;

	return s < 0 ? 1 : unit - s % unit;
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
