#include "action/action.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static const struct action_info actions[ACTION_COUNT] = {
#define X(id, name_, keys, flags_, pane_, help_) \
	[ACTION_##id] = { .name = name_, .default_keys = keys, .flags = flags_, \
			  .pane = pane_, .help = help_ },
	SHIPDECK_ACTIONS(X)
#undef X
};

const struct action_info *action_info(enum action_id id)
{
	return id >= 0 && id < ACTION_COUNT ? &actions[id] : NULL;
}

enum action_id action_by_name(const char *name)
{
	for (int i = 0; i < ACTION_COUNT; i++)
		if (!strcmp(actions[i].name, name))
			return (enum action_id)i;
	return ACTION_NONE;
}

bool action_is_mutating(enum action_id id)
{
	return id >= 0 && id < ACTION_COUNT && (actions[id].flags & ACT_MUTATING);
}

static const struct {
	const char *name;
	int key;
} named_keys[] = {
	{ "Tab", KEYC_TAB }, { "S-Tab", KEYC_BTAB }, { "Enter", KEYC_ENTER },
	{ "Esc", KEYC_ESC }, { "Space", KEYC_SPACE }, { "Up", KEYC_UP },
	{ "Down", KEYC_DOWN }, { "Left", KEYC_LEFT }, { "Right", KEYC_RIGHT },
	{ "PgUp", KEYC_PGUP }, { "PgDn", KEYC_PGDN }, { "Home", KEYC_HOME },
	{ "End", KEYC_END }, { "Backspace", KEYC_BACKSPACE }, { "Delete", KEYC_DELETE },
};

int keyc_parse(const char *name)
{
	size_t len = strlen(name);

	if (len == 1 && name[0] > ' ' && name[0] < 127)
		return (unsigned char)name[0];
	for (size_t i = 0; i < sizeof named_keys / sizeof *named_keys; i++)
		if (!strcmp(named_keys[i].name, name))
			return named_keys[i].key;
	if (len == 3 && !strncmp(name, "C-", 2) && name[2] >= 'a' && name[2] <= 'z')
		return KEYC_CTRL | name[2];
	if ((len == 2 || len == 3) && name[0] == 'F') {
		int n = atoi(name + 1);

		if (n >= 1 && n <= 12)
			return KEYC_F1 + n - 1;
	}
	return -1;
}

const char *keyc_name(int key, char *buf, int size)
{
	for (size_t i = 0; i < sizeof named_keys / sizeof *named_keys; i++) {
		if (named_keys[i].key == key) {
			snprintf(buf, (size_t)size, "%s", named_keys[i].name);
			return buf;
		}
	}
	if (key & KEYC_CTRL)
		snprintf(buf, (size_t)size, "C-%c", key & 0x7f);
	else if (key >= KEYC_F1 && key < KEYC_F1 + 12)
		snprintf(buf, (size_t)size, "F%d", key - KEYC_F1 + 1);
	else if (key > ' ' && key < 127)
		snprintf(buf, (size_t)size, "%c", key);
	else
		snprintf(buf, (size_t)size, "#%d", key);
	return buf;
}

static void add_binding(struct keymap *km, int key, enum action_id action)
{
	xgrow(&km->bindings, &km->cap, km->n + 1, sizeof *km->bindings);
	km->bindings[km->n++] = (struct key_binding){ key, action };
}

static void remove_where(struct keymap *km, int key, enum action_id action)
{
	for (size_t i = 0; i < km->n;) {
		if ((key >= 0 && km->bindings[i].key == key)
		    || (action != ACTION_NONE && km->bindings[i].action == action)) {
			memmove(&km->bindings[i], &km->bindings[i + 1],
				(km->n - i - 1) * sizeof *km->bindings);
			km->n--;
			continue;
		}
		i++;
	}
}

void keymap_init_defaults(struct keymap *km)
{
	memset(km, 0, sizeof *km);
	for (int a = 0; a < ACTION_COUNT; a++) {
		char keys[64], *save = NULL;

		snprintf(keys, sizeof keys, "%s", actions[a].default_keys);
		for (char *k = strtok_r(keys, " ", &save); k; k = strtok_r(NULL, " ", &save))
			add_binding(km, keyc_parse(k), (enum action_id)a);
	}
}

int keymap_bind(struct keymap *km, enum action_id action, const char *keys, struct err *err)
{
	int codes[8], n = 0;
	char buf[128], *save = NULL;

	snprintf(buf, sizeof buf, "%s", keys);
	for (char *k = strtok_r(buf, " ", &save); k; k = strtok_r(NULL, " ", &save)) {
		int code = keyc_parse(k);

		if (code < 0)
			return err_set(err, "unknown key '%s' (use a character, Tab, S-Tab, Enter, "
				       "Esc, Space, Up, Down, PgUp, PgDn, Home, End, C-x or "
				       "F1–F12)", k);
		if (n == (int)(sizeof codes / sizeof *codes))
			return err_set(err, "too many keys in '%s'", keys);
		codes[n++] = code;
	}
	if (!n)
		return err_set(err, "no key given");
	remove_where(km, -1, action);
	for (int i = 0; i < n; i++) {
		remove_where(km, codes[i], ACTION_NONE);
		add_binding(km, codes[i], action);
	}
	return 0;
}

enum action_id keymap_lookup(const struct keymap *km, int key)
{
	return keymap_lookup_in(km, key, NULL);
}

enum action_id keymap_lookup_in(const struct keymap *km, int key, const char *pane)
{
	enum action_id first = ACTION_NONE;

	for (size_t i = 0; i < km->n; i++) {
		enum action_id a = km->bindings[i].action;
		const char *home = actions[a].pane;

		if (km->bindings[i].key != key)
			continue;
		if (pane && home && !strcmp(home, pane))
			return a;
		if (first == ACTION_NONE)
			first = a;
	}
	return first;
}

const char *keymap_keys_of(const struct keymap *km, enum action_id action, char *buf, int size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < km->n; i++) {
		char name[16];

		if (km->bindings[i].action != action)
			continue;
		keyc_name(km->bindings[i].key, name, sizeof name);
		if (used + strlen(name) + 2 > (size_t)size)
			break;
		used += (size_t)snprintf(buf + used, (size_t)size - used, "%s%s", used ? " " : "",
					 name);
	}
	return buf;
}

void keymap_free(struct keymap *km)
{
	free(km->bindings);
	memset(km, 0, sizeof *km);
}
