#include "action/audit.h"

#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "runtime/rt.h"
#include "util/file.h"
#include "util/jsonout.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

char *audit_default_path(void)
{
	return xdg_state_path("audit.jsonl");
}

/* True when the log's last line has no newline: a record torn by something
 * other than us (a power cut, another tool). The next record must not be
 * glued to it, or both become one unreadable line. */
static bool ends_mid_line(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char last = '\n';

	if (fd < 0)
		return false;
	if (!fstat(fd, &st) && st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) != 1)
		last = '\n';
	close(fd);
	return last != '\n';
}

void audit_new_id(char *buf, size_t size)
{
	static unsigned seq;
	uint64_t v;

	if (getrandom(&v, sizeof v, GRND_NONBLOCK) != (ssize_t)sizeof v)
		v = ((uint64_t)time_wall_ms() << 20) ^ ((uint64_t)getpid() << 8) ^ ++seq;
	snprintf(buf, size, "%016llx", (unsigned long long)v);
}

/* A log made just now must survive a power cut as well as its records do:
 * its name is in the folder only once the folder is synced too. Best
 * effort — the record itself is already on disk. */
static void sync_dir(const char *path)
{
	char *dir = xstrdup(path);
	int fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

int audit_append(const char *path, const struct audit_record *r, struct err *err)
{
	char when[40], *dir = xstrdup(path), *line, *json;
	cJSON *o = cJSON_CreateObject();
	bool existed;
	int rc;

	if (file_mkdirs(dirname(dir), err)) {
		free(dir);
		cJSON_Delete(o);
		return err_prefix(err, "audit log");
	}
	free(dir);
	existed = file_exists(path);
	json_add_str(o, "time", time_format_rfc3339(time(NULL), when, sizeof when));
	json_add_str(o, "user", r->user);
	json_add_str(o, "context", r->context);
	json_add_str(o, "namespace", r->namespace);
	json_add_str(o, "action", r->action);
	json_add_str(o, "target", r->target);
	json_add_str(o, "from", r->from);
	json_add_str(o, "to", r->to);
	json_add_str(o, "result", r->result);
	json_add_str(o, "message", r->message);
	json_add_str(o, "id", r->id);
	json_add_str(o, "phase", r->phase);
	json = cJSON_PrintUnformatted(o);
	line = xasprintf("%s%s\n", ends_mid_line(path) ? "\n" : "", json);
	rc = file_append_sync(path, line, strlen(line), err);
	if (rc)
		err_prefix(err, "audit log");
	else if (!existed)
		sync_dir(path);
	free(line);
	cJSON_free(json);
	cJSON_Delete(o);
	return rc;
}

/* One action as the reader shows it: its intent, its result, or both. */
struct audit_pair {
	cJSON *intent, *result;
	char *bad;                  /* a line that is no record */
};

static const char *field(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static void format_pair(struct strbuf *out, const struct audit_pair *p)
{
	const cJSON *base = p->intent ? p->intent : p->result;
	const char *from = field(base, "from"), *to = field(base, "to"),
		*user = field(base, "user");

	if (p->bad) {
		sb_printf(out, "(not a record: %s)\n", p->bad);
		return;
	}
	sb_printf(out, "%s  %s %s", field(base, "time") ? field(base, "time") : "(no time)",
		  field(base, "action") ? field(base, "action") : "?",
		  field(base, "target") ? field(base, "target") : "?");
	if (from && to)
		sb_printf(out, "  %s → %s", from, to);
	else if (from || to)
		sb_printf(out, "  %s", from ? from : to);
	if (p->result) {
		const char *result = field(p->result, "result"), *msg = field(p->result, "message");

		sb_printf(out, "  %s", result ? result : "(no result)");
		if (msg && *msg)
			sb_printf(out, ": %s", msg);
	} else {
		sb_puts(out, "  outcome unknown (sent; no result was recorded)");
	}
	if (user)
		sb_printf(out, "  by %s", user);
	sb_putc(out, '\n');
}

char *audit_readable(const char *data, size_t len)
{
	struct audit_pair *pairs = NULL;
	size_t npairs = 0, cap = 0, *open = NULL, nopen = 0, open_cap = 0;
	const char *p = data, *end = data + len;
	struct strbuf out = { 0 };

	while (p < end) {
		const char *line = p, *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		cJSON *o = cJSON_ParseWithLength(line, n);
		const char *phase = field(o, "phase"), *id = field(o, "id");
		struct audit_pair pair = { 0 };
		bool paired = false;

		p += n + 1;
		if (!n)
			continue;
		if (!cJSON_IsObject(o)) {
			cJSON_Delete(o);
			pair.bad = xasprintf("%.*s%s", (int)(n > 60 ? 60 : n), line,
					     n > 60 ? "…" : "");
		} else if (phase && !strcmp(phase, "intent")) {
			pair.intent = o;
			xgrow(&open, &open_cap, nopen + 1, sizeof *open);
			open[nopen++] = npairs;
		} else {
			/* a result pairs with the latest open intent of its id */
			for (size_t i = nopen; id && i-- > 0;) {
				const char *iid = field(pairs[open[i]].intent, "id");

				if (iid && !strcmp(iid, id)) {
					pairs[open[i]].result = o;
					memmove(&open[i], &open[i + 1],
						(nopen - i - 1) * sizeof *open);
					nopen--;
					paired = true;
					break;
				}
			}
			pair.result = o;
		}
		if (paired)
			continue;
		xgrow(&pairs, &cap, npairs + 1, sizeof *pairs);
		pairs[npairs++] = pair;
	}
	for (size_t i = 0; i < npairs; i++) {
		format_pair(&out, &pairs[i]);
		cJSON_Delete(pairs[i].intent);
		cJSON_Delete(pairs[i].result);
		free(pairs[i].bad);
	}
	free(pairs);
	free(open);
	return sb_steal(&out);
}

int audit_show(struct rt *rt, struct err *err)
{
	static const char none[] = "(no actions recorded yet)";
	size_t len = 0;
	char *data = NULL;

	if (file_exists(rt->audit_path)) {
		data = file_read_all(rt->audit_path, &len, err);
		if (!data)
			return -1;
	}
	rt_log_put(rt, "audit", xasprintf("audit log %s · Enter: the JSON records", rt->audit_path),
		 len ? audit_readable(data, len) : xstrdup(none));
	rt_log_put(rt, "audit/json", xasprintf("audit log %s (JSON) · Enter: one line per action",
					     rt->audit_path),
		 len ? data : xstrdup(none));
	if (!len)
		free(data);
	return 0;
}
