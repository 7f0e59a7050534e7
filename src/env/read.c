#include "env/read.h"

#include <stdlib.h>
#include <string.h>

#include "kube/objects.h"
#include "store/images.h"
#include "util/imgref.h"
#include "util/xalloc.h"

static const cJSON *item_named(const cJSON *list, const char *name)
{
	const cJSON *o;

	cJSON_ArrayForEach(o, kube_json_array(kube_json_path(list, "items"))) {
		const char *n = kube_json_str(o, "metadata.name");

		if (n && !strcmp(n, name))
			return o;
	}
	return NULL;
}

char *env_digest_of_image_id(const char *image_id)
{
	const char *at = image_id ? strrchr(image_id, '@') : NULL;

	return at && imgref_is_sha256(at + 1) ? xstrdup(at + 1) : NULL;
}

/* The container of image.name's repository, else the first. */
static const cJSON *pick_container(const cJSON *tmpl, const char *repository)
{
	const cJSON *cs = kube_json_array(kube_json_path(tmpl, "spec.containers")), *c;
	char tag[160], digest[160];

	cJSON_ArrayForEach(c, cs) {
		const char *img = kube_json_str(c, "image");

		if (repository && img && images_ref_of(repository, img, tag, sizeof tag, digest,
						       sizeof digest))
			return c;
	}
	return cJSON_GetArrayItem(cs, 0);
}

static const cJSON *named(const cJSON *array, const char *name)
{
	const cJSON *o;

	cJSON_ArrayForEach(o, kube_json_array(array)) {
		const char *n = kube_json_str(o, "name");

		if (n && !strcmp(n, name))
			return o;
	}
	return NULL;
}

static bool pod_ready(const cJSON *pod)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, kube_json_array(kube_json_path(pod, "status.conditions"))) {
		const char *t = kube_json_str(c, "type"), *s = kube_json_str(c, "status");

		if (t && !strcmp(t, "Ready"))
			return s && !strcmp(s, "True");
	}
	return false;
}

/* A pod of deployment d's current template: owned by d's replica set of
 * that template, running image in the container. */
static bool pod_of(const cJSON *pod, const char *deploy, const char *container, const char *image)
{
	const cJSON *ref;
	const char *hash = kube_json_str(pod, "metadata.labels.pod-template-hash"), *img;
	size_t n = strlen(deploy);
	bool owned = false;

	if (!hash || kube_json_str(pod, "metadata.deletionTimestamp"))
		return false;
	cJSON_ArrayForEach(ref, kube_json_array(kube_json_path(pod, "metadata.ownerReferences"))) {
		const char *rs = kube_json_str(ref, "name");

		if (rs && !strncmp(rs, deploy, n) && rs[n] == '-' && !strcmp(rs + n + 1, hash))
			owned = true;
	}
	img = kube_json_str(named(kube_json_path(pod, "spec.containers"), container), "image");
	return owned && img && !strcmp(img, image);
}

static void read_pods(struct env_run *r, const cJSON *pods)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, kube_json_array(kube_json_path(pods, "items"))) {
		const cJSON *st;
		char *dig;

		if (!pod_of(p, r->deployment, r->container, r->image))
			continue;
		r->pods++;
		if (!pod_ready(p))
			continue;
		r->ready++;
		{
			int64_t t = kube_json_time(p, "metadata.creationTimestamp");

			if (t && (!r->oldest_ready || t < r->oldest_ready))
				r->oldest_ready = t;
		}
		st = named(kube_json_path(p, "status.containerStatuses"), r->container);
		dig = env_digest_of_image_id(kube_json_str(st, "imageID"));
		if (!dig)
			continue;
		if (r->digest_from_pods && r->digest && strcmp(r->digest, dig))
			r->pods_disagree = true;
		if (!r->digest) {
			r->digest = dig;
			r->digest_from_pods = true;
		} else {
			free(dig);
		}
	}
}

static void read_run(struct env_run *r, const cJSON *d, const char *repository, const cJSON *pods)
{
	const cJSON *tmpl = kube_json_path(d, "spec.template"),
		*c = pick_container(tmpl, repository);
	const char *img = kube_json_str(c, "image");
	struct imgref ir;

	r->found = true;
	if (!c || !img)
		return;
	r->container = xstrdup(kube_json_str(c, "name") ? kube_json_str(c, "name") : "");
	r->image = xstrdup(img);
	imgref_split(r->image, &ir);
	r->tag = ir.tag ? xstrndup(ir.tag, ir.tag_len) : NULL;
	r->digest = ir.digest && imgref_is_sha256(ir.digest) ? xstrdup(ir.digest) : NULL;
	read_pods(r, pods);
}

/* ConfigMaps the templates name: env valueFrom, envFrom, volumes. */
static bool referenced(const cJSON *tmpl, const char *cm)
{
	const cJSON *c, *e, *v;
	const char *n;

	cJSON_ArrayForEach(c, kube_json_array(kube_json_path(tmpl, "spec.containers"))) {
		cJSON_ArrayForEach(e, kube_json_array(kube_json_path(c, "env")))
			if ((n = kube_json_str(e, "valueFrom.configMapKeyRef.name"))
			    && !strcmp(n, cm))
				return true;
		cJSON_ArrayForEach(e, kube_json_array(kube_json_path(c, "envFrom")))
			if ((n = kube_json_str(e, "configMapRef.name")) && !strcmp(n, cm))
				return true;
	}
	cJSON_ArrayForEach(v, kube_json_array(kube_json_path(tmpl, "spec.volumes")))
		if ((n = kube_json_str(v, "configMap.name")) && !strcmp(n, cm))
			return true;
	return false;
}

static void read_configmaps(struct env_state *s, const cJSON *cms, const cJSON *deployments)
{
	const cJSON *cm, *items = kube_json_array(kube_json_path(cms, "items"));

	s->configmaps = xcalloc((size_t)cJSON_GetArraySize(items) + 1, sizeof *s->configmaps);
	cJSON_ArrayForEach(cm, items) {
		const char *name = kube_json_str(cm, "metadata.name");
		const cJSON *data = kube_json_object(kube_json_path(cm, "data"));
		bool used = false;
		char *js;

		for (size_t i = 0; name && i < s->ndeploys && !used; i++) {
			const cJSON *d = item_named(deployments, s->deploys[i]->meta.name);

			used = referenced(kube_json_path(d, "spec.template"), name);
		}
		if (!used)
			continue;
		js = data ? cJSON_PrintUnformatted(data) : NULL;
		s->configmaps[s->nconfigmaps++] = (struct env_configmap){
			.name = xstrdup(name), .data_json = xstrdup(js ? js : "{}") };
		cJSON_free(js);
	}
}

struct env_state *env_state_read(const struct env_conf *conf, const char *context,
				 const char *repository, const cJSON *deployments,
				 const cJSON *pods, const cJSON *configmaps)
{
	struct env_state *s = xcalloc(1, sizeof *s);
	size_t total = 0;

	s->name = xstrdup(conf->name);
	s->context = xstrdup(context ? context : "");
	s->namespace = xstrdup(conf->namespace);
	for (size_t a = 0; a < conf->napps; a++)
		total += conf->apps[a].ndeployments;
	s->runs = xcalloc(total + 1, sizeof *s->runs);
	s->deploys = xcalloc(total + 1, sizeof *s->deploys);
	for (size_t a = 0; a < conf->napps; a++) {
		const struct env_app *app = &conf->apps[a];

		for (size_t i = 0; i < app->ndeployments; i++) {
			struct env_run *r = &s->runs[s->nruns++];
			const cJSON *d = item_named(deployments, app->deployments[i]);
			struct kube_deployment *kd;

			r->app = xstrdup(app->name);
			r->deployment = xstrdup(app->deployments[i]);
			if (!d)
				continue;
			read_run(r, d, repository, pods);
			kd = kube_object_parse(KUBE_DEPLOYMENTS, d);
			if (kd)
				s->deploys[s->ndeploys++] = kd;
		}
	}
	read_configmaps(s, configmaps, deployments);
	return s;
}
