/* Request bodies in Kubernetes' protobuf encoding, which typed `kubectl
 * create` commands send (Content-Type application/vnd.kubernetes.protobuf):
 * the 4-byte "k8s\0" magic, then a runtime.Unknown message whose typeMeta
 * names apiVersion and kind and whose raw bytes are the object's message.
 * pbwire.c is a generic protobuf wire decoder driven by field tables;
 * pbtypes.c holds the tables of the kinds kubectl creates, written from the
 * API reference (field numbers are part of the API). */
#ifndef SHIPDECK_SANDBOX_PBWIRE_H
#define SHIPDECK_SANDBOX_PBWIRE_H

#include <stddef.h>

#include <cjson/cJSON.h>

enum pb_type {
	PB_STR,       /* string */
	PB_INT,       /* int32/int64 varint */
	PB_BOOL,
	PB_BYTES,     /* bytes: base64 in JSON */
	PB_MSG,       /* a nested message: a JSON object */
	PB_INLINE,    /* a nested message whose fields JSON puts in the parent */
	PB_MAP_STR,   /* map<string,string> */
	PB_MAP_BYTES, /* map<string,bytes>: base64 values */
	PB_MAP_QTY,   /* map<string,Quantity> */
	PB_INTSTR,    /* IntOrString: a number or a string */
	PB_QTY,       /* resource.Quantity: a string */
	PB_TIME,      /* metav1.Time: RFC 3339, omitted when zero */
	PB_IGNORE,    /* read and dropped (status on create) */
};

#define PB_REP 1u  /* repeated: a JSON array */
#define PB_PTR 2u  /* a Go pointer: a zero value that was sent is kept */

struct pb_msg;

struct pb_field {
	int num;
	const char *json;
	enum pb_type type;
	unsigned flags;
	const struct pb_msg *msg;  /* PB_MSG, PB_INLINE */
};

struct pb_msg {
	const char *name;          /* for messages: "io.k8s.api.core.v1.Container" */
	const struct pb_field *fields;  /* ends with num 0 */
};

/* The message of apiVersion/kind; NULL when the sandbox has no table. */
const struct pb_msg *pb_kind_msg(const char *api_version, const char *kind);

/* Decodes one message into a new JSON object; NULL with a message in err. */
cJSON *pb_decode(const struct pb_msg *m, const unsigned char *p, size_t len, char *err,
		 size_t errsize);

/* Decodes a whole "k8s\0" body into a JSON object with apiVersion and kind.
 * With want_kind, the body must be of that kind and apiVersion. NULL with
 * the HTTP status in *code and a message in err, worded as kube-apiserver's:
 * 400 for a body that is not a protobuf object of the kind, 415 for a kind
 * the sandbox has no table for. */
cJSON *pb_decode_body(const char *body, size_t len, const char *want_av, const char *want_kind,
		      int *code, char *err, size_t errsize);

#endif
