/* Command lines of the small programs (shipdeck-sandbox, shipdeck-upstream). */
#ifndef SHIPDECK_UTIL_ARGS_H
#define SHIPDECK_UTIL_ARGS_H

/* The value of argv[*i] when it is "--name value" (then *i moves past the
 * value) or "--name=value"; "" when the value is missing; NULL when argv[*i]
 * is another argument. */
const char *args_flag_value(int argc, char **argv, int *i, const char *name);

#endif
