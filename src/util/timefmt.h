/* Clocks and the ways times are written. */
#ifndef SHIPDECK_UTIL_TIMEFMT_H
#define SHIPDECK_UTIL_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Monotonic milliseconds, for timers and durations. */
int64_t time_mono_ms(void);
/* Wall clock, milliseconds since the epoch. */
int64_t time_wall_ms(void);

/* "2026-11-26T15:54:45Z" (UTC). Returns buf. */
char *time_format_rfc3339(time_t t, char *buf, size_t size);
/* Parses RFC 3339 (with Z or an offset, optional fraction). -1 if malformed. */
int time_parse_rfc3339(const char *s, time_t *out);

/* Kubernetes' HumanDuration, as kubectl prints ages:
 * <2m "Ns", <10m "NmSs", <3h "Nm", <8h "NhMm", <48h "Nh", <8d "NdHh", <2y "Nd",
 * <8y "NyDd", else "Ny"; a zero second part is left out ("3m", not "3m0s"),
 * and an age below -1 s (a clock ahead of the server's) is "<invalid>". */
char *time_human_duration(int64_t seconds, char *buf, size_t size);
/* Seconds until time_human_duration's text for an age of seconds changes
 * (1 while it shows seconds): a screen showing only "12m" needs no frame
 * before the next minute. */
int64_t time_human_duration_next(int64_t seconds);

/* Parses "10s", "5m", "1h30m", "250ms", plain seconds. Milliseconds, -1 if bad. */
int64_t time_parse_duration_ms(const char *s);

#endif
