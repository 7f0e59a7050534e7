#include "sandbox/tls.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "util/file.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

void tls_material_free(struct tls_material *m)
{
	free(m->ca_pem);
	free(m->cert_pem);
	free(m->key_pem);
	memset(m, 0, sizeof *m);
}

static void random_bytes(unsigned char *b, size_t n)
{
	if (getrandom(b, n, 0) != (ssize_t)n)
		gnutls_rnd(GNUTLS_RND_RANDOM, b, n);
}

void tls_make_token(char out[65])
{
	unsigned char b[32];
	static const char hex[] = "0123456789abcdef";

	random_bytes(b, sizeof b);
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[64] = 0;
}

static char *datum_str(gnutls_datum_t *d)
{
	char *s = xstrndup((const char *)d->data, d->size);

	gnutls_free(d->data);
	d->data = NULL;
	return s;
}

#define CHECK(call, what) do { \
	int rc_ = (call); \
	if (rc_ < 0) { \
		err_set(err, "TLS: %s: %s", (what), gnutls_strerror(rc_)); \
		goto out; \
	} \
} while (0)

static int new_key(gnutls_x509_privkey_t *key, struct err *err)
{
	int rc = -1;

	CHECK(gnutls_x509_privkey_init(key), "key init");
	CHECK(gnutls_x509_privkey_generate(*key, GNUTLS_PK_ECDSA,
					   GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0),
	      "generate key");
	rc = 0;
out:
	return rc;
}

char *tls_make_key_pem(struct err *err)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_datum_t d = { 0 };
	char *pem = NULL;

	if (new_key(&key, err))
		goto out;
	CHECK(gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &d), "export key");
	pem = datum_str(&d);
out:
	if (key)
		gnutls_x509_privkey_deinit(key);
	return pem;
}

static int common(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key, const char *dn,
		  struct err *err)
{
	unsigned char serial[16], id[64];
	size_t id_size = sizeof id;
	const char *bad = NULL;
	time_t now = time(NULL);
	int rc = -1;

	random_bytes(serial, sizeof serial);
	serial[0] &= 0x7f;
	serial[0] |= 0x01;
	CHECK(gnutls_x509_crt_set_version(crt, 3), "version");
	CHECK(gnutls_x509_crt_set_serial(crt, serial, sizeof serial), "serial");
	CHECK(gnutls_x509_crt_set_activation_time(crt, now - 3600), "activation");
	CHECK(gnutls_x509_crt_set_expiration_time(crt, now + 365L * 24 * 3600), "expiration");
	CHECK(gnutls_x509_crt_set_dn(crt, dn, &bad), "subject");
	CHECK(gnutls_x509_crt_set_key(crt, key), "public key");
	CHECK(gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA1, id, &id_size), "key id");
	CHECK(gnutls_x509_crt_set_subject_key_id(crt, id, id_size), "subject key id");
	rc = 0;
out:
	return rc;
}

int tls_make(struct tls_material *m, struct err *err)
{
	gnutls_x509_privkey_t ca_key = NULL, key = NULL;
	gnutls_x509_crt_t ca = NULL, crt = NULL;
	gnutls_datum_t d = { 0 };
	unsigned char id[64], ip[4];
	size_t id_size = sizeof id;
	int rc = -1;

	memset(m, 0, sizeof *m);
	if (new_key(&ca_key, err) || new_key(&key, err))
		goto out;

	CHECK(gnutls_x509_crt_init(&ca), "CA init");
	if (common(ca, ca_key, "CN=shipdeck-sandbox CA,O=shipdeck", err))
		goto out;
	CHECK(gnutls_x509_crt_set_basic_constraints(ca, 1, -1), "CA constraints");
	CHECK(gnutls_x509_crt_set_key_usage(ca, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN
					    | GNUTLS_KEY_DIGITAL_SIGNATURE), "CA key usage");
	CHECK(gnutls_x509_crt_sign2(ca, ca, ca_key, GNUTLS_DIG_SHA256, 0), "sign CA");

	CHECK(gnutls_x509_crt_init(&crt), "cert init");
	if (common(crt, key, "CN=127.0.0.1,O=shipdeck", err))
		goto out;
	CHECK(gnutls_x509_crt_set_basic_constraints(crt, 0, -1), "constraints");
	CHECK(gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE
					    | GNUTLS_KEY_KEY_ENCIPHERMENT), "key usage");
	CHECK(gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0), "purpose");
	inet_pton(AF_INET, "127.0.0.1", ip);
	CHECK(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip, sizeof ip,
						   GNUTLS_FSAN_APPEND), "IP SAN");
	CHECK(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "localhost", 9,
						   GNUTLS_FSAN_APPEND), "DNS SAN");
	CHECK(gnutls_x509_crt_get_subject_key_id(ca, id, &id_size, NULL), "CA key id");
	CHECK(gnutls_x509_crt_set_authority_key_id(crt, id, id_size), "authority key id");
	CHECK(gnutls_x509_crt_sign2(crt, ca, ca_key, GNUTLS_DIG_SHA256, 0), "sign cert");

	CHECK(gnutls_x509_crt_export2(ca, GNUTLS_X509_FMT_PEM, &d), "export CA");
	m->ca_pem = datum_str(&d);
	CHECK(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &d), "export cert");
	m->cert_pem = datum_str(&d);
	CHECK(gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &d), "export key");
	m->key_pem = datum_str(&d);
	rc = 0;
out:
	if (crt)
		gnutls_x509_crt_deinit(crt);
	if (ca)
		gnutls_x509_crt_deinit(ca);
	if (key)
		gnutls_x509_privkey_deinit(key);
	if (ca_key)
		gnutls_x509_privkey_deinit(ca_key);
	if (rc)
		tls_material_free(m);
	return rc;
}

static void base64(const char *in, size_t len, struct strbuf *out)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)in;

	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16;

		if (i + 1 < len)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		sb_putc(out, tab[(v >> 18) & 63]);
		sb_putc(out, tab[(v >> 12) & 63]);
		sb_putc(out, i + 1 < len ? tab[(v >> 6) & 63] : '=');
		sb_putc(out, i + 2 < len ? tab[v & 63] : '=');
	}
}

int tls_write_kubeconfig(const char *path, const char *server_url, const char *ca_pem,
			 const char *token, struct err *err)
{
	return tls_write_kubeconfig_named(path, "shipdeck-sandbox", server_url, ca_pem, token, err);
}

int tls_write_kubeconfig_named(const char *path, const char *name, const char *server_url,
			       const char *ca_pem, const char *token, struct err *err)
{
	struct strbuf sb = { 0 };
	int rc;

	sb_printf(&sb, "apiVersion: v1\nkind: Config\nclusters:\n- name: %s\n"
		  "  cluster:\n    server: %s\n", name, server_url);
	if (ca_pem) {
		sb_puts(&sb, "    certificate-authority-data: ");
		base64(ca_pem, strlen(ca_pem), &sb);
		sb_putc(&sb, '\n');
	}
	sb_printf(&sb, "contexts:\n- name: %s\n  context:\n    cluster: %s\n"
		  "    user: %s\n    namespace: default\n"
		  "current-context: %s\npreferences: {}\nusers:\n"
		  "- name: %s\n  user:", name, name, name, name, name);
	if (token)
		sb_printf(&sb, "\n    token: %s\n", token);
	else
		sb_puts(&sb, " {}\n");
	rc = file_write_atomic(path, sb.s, sb.len, err);
	sb_free(&sb);
	return rc;
}
