#include "app/audit.h"

#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "app/app.h"
#include "util/file.h"
#include "util/jsonout.h"
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

int audit_append(const char *path, const struct audit_record *r, struct err *err)
{
	char when[40], *dir = xstrdup(path), *line, *json;
	cJSON *o = cJSON_CreateObject();
	int rc;

	if (file_mkdirs(dirname(dir), err)) {
		free(dir);
		cJSON_Delete(o);
		return err_prefix(err, "audit log");
	}
	free(dir);
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
	json = cJSON_PrintUnformatted(o);
	line = xasprintf("%s%s\n", ends_mid_line(path) ? "\n" : "", json);
	rc = file_append_sync(path, line, strlen(line), err);
	if (rc)
		err_prefix(err, "audit log");
	free(line);
	cJSON_free(json);
	cJSON_Delete(o);
	return rc;
}

int audit_show(struct app *app, struct err *err)
{
	struct store_event ev = { .domain = STORE_LOG };
	size_t len = 0;
	char *data = NULL;

	if (file_exists(app->audit_path)) {
		data = file_read_all(app->audit_path, &len, err);
		if (!data)
			return -1;
	}
	ev.log = (struct log_event){ .type = LOG_EV_OPEN, .id = xstrdup("audit"),
				     .title = xasprintf("audit log %s", app->audit_path) };
	app_apply(app, &ev);
	ev.log = (struct log_event){ .type = LOG_EV_APPEND, .id = xstrdup("audit"),
				     .text = data ? data : xstrdup("(no actions recorded yet)"),
				     .text_len = data ? len : strlen("(no actions recorded yet)"),
				     .time_ms = time_wall_ms() };
	app_apply(app, &ev);
	ev.log = (struct log_event){ .type = LOG_EV_CLOSE, .id = xstrdup("audit") };
	app_apply(app, &ev);
	return 0;
}
